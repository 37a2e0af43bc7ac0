import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime, growingId } from '../common/columns';
import { Gift } from './gift';
import { Live } from './live';
import { User } from './user';

export class LiveGift extends Model<InferAttributes<LiveGift>, InferCreationAttributes<LiveGift>> {
  declare id: CreationOptional<number>;
  declare live_id: ForeignKey<Live['id']>;
  declare user_id: ForeignKey<User['id']>;
  declare gift_id: ForeignKey<Gift['id']>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare live?: NonAttribute<Live>;
  declare user?: NonAttribute<User>;
  declare gift?: NonAttribute<Gift>;

  static associate() {
    LiveGift.belongsTo(Live, { foreignKey: 'live_id' });
    LiveGift.belongsTo(User, { foreignKey: 'user_id' });
    LiveGift.belongsTo(Gift, { foreignKey: 'gift_id' });
  }
}

export default (app: Application) => {
  const { INTEGER, DATE } = DataTypes;
  LiveGift.init({
    id: growingId(),
    live_id: { type: INTEGER.UNSIGNED, allowNull: false },
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    gift_id: { type: INTEGER.UNSIGNED, allowNull: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'live_gift', tableName: 'live_gift' });
  return LiveGift;
};
