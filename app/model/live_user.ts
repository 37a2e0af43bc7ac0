import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime, growingId } from '../common/columns';
import { Live } from './live';
import { User } from './user';

// A viewer's first visit to a live; unique on (user_id, live_id).
export class LiveUser extends Model<InferAttributes<LiveUser>, InferCreationAttributes<LiveUser>> {
  declare id: CreationOptional<number>;
  declare user_id: ForeignKey<User['id']>;
  declare live_id: ForeignKey<Live['id']>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare live?: NonAttribute<Live>;

  static associate() {
    LiveUser.belongsTo(User, { foreignKey: 'user_id' });
    LiveUser.belongsTo(Live, { foreignKey: 'live_id' });
  }
}

export default (app: Application) => {
  const { INTEGER, DATE } = DataTypes;
  LiveUser.init({
    id: growingId(),
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    live_id: { type: INTEGER.UNSIGNED, allowNull: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, {
    sequelize: app.model,
    modelName: 'live_user',
    tableName: 'live_user',
    indexes: [{ unique: true, fields: [ 'user_id', 'live_id' ] }],
  });
  return LiveUser;
};
