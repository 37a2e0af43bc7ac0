import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model } from 'sequelize';
import { createdTime, growingId } from '../common/columns';
import { Manager } from './manager';
import { Order } from './order';
import { User } from './user';

export const COIN_KINDS = [ 'recharge', 'gift', 'adjust' ] as const;
export type CoinKind = typeof COIN_KINDS[number];

// One coin movement of one user: `coin` is signed (a credit is positive); a recharge names its order.
export class CoinLog extends Model<InferAttributes<CoinLog>, InferCreationAttributes<CoinLog>> {
  declare id: CreationOptional<number>;
  declare user_id: ForeignKey<User['id']>;
  declare coin: number;
  declare kind: CoinKind;
  declare order_id: ForeignKey<Order['id']> | null;
  // The console's adjustments: who made it (null once that manager is removed); note holds the reason.
  declare manager_id: CreationOptional<ForeignKey<Manager['id']> | null>;
  declare note: CreationOptional<string>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  static associate() {
    CoinLog.belongsTo(User, { foreignKey: 'user_id' });
    CoinLog.belongsTo(Order, { foreignKey: 'order_id' });
    CoinLog.belongsTo(Manager, { foreignKey: 'manager_id' });
  }
}

export default (app: Application) => {
  const { BIGINT, INTEGER, STRING, DATE, ENUM } = DataTypes;
  CoinLog.init({
    id: growingId(),
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    coin: { type: BIGINT, allowNull: false },
    kind: { type: ENUM(...COIN_KINDS), allowNull: false },
    order_id: { type: INTEGER.UNSIGNED, allowNull: true },
    manager_id: { type: INTEGER.UNSIGNED, allowNull: true },
    note: { type: STRING(200), allowNull: false, defaultValue: '' },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'coin_log', tableName: 'coin_log' });
  return CoinLog;
};
