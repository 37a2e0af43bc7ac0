import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime } from '../common/columns';
import { Live } from './live';
import { User } from './user';

// A room moderator (房管): a user the room's owner lets mute, kick and hide in that room.
export class LiveModerator extends Model<InferAttributes<LiveModerator>, InferCreationAttributes<LiveModerator>> {
  declare id: CreationOptional<number>;
  declare live_id: ForeignKey<Live['id']>;
  declare user_id: ForeignKey<User['id']>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;

  static associate() {
    LiveModerator.belongsTo(User, { foreignKey: 'user_id' });
    LiveModerator.belongsTo(Live, { foreignKey: 'live_id' });
  }
}

export default (app: Application) => {
  const { INTEGER, DATE } = DataTypes;
  LiveModerator.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    live_id: { type: INTEGER.UNSIGNED, allowNull: false },
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'live_moderator', tableName: 'live_moderator' });
  return LiveModerator;
};
