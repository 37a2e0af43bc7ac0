import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime } from '../common/columns';
import { User } from './user';

export const ORDER_STATUSES = [ 'pending', 'success', 'fail' ] as const;
export type OrderStatus = typeof ORDER_STATUSES[number];

// A purchase of coins: pending until WeChat Pay says it is paid (success) or it expires unpaid (fail).
export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: CreationOptional<number>;
  declare no: string;
  declare user_id: ForeignKey<User['id']>;
  // Whole yuan, as the course has it; amount is the same in fen, as WeChat Pay was asked for it.
  declare price: number;
  declare amount: number;
  // Coins the order buys, fixed when it is made (config.wxpay.coinsPerYuan may change later).
  declare coin: number;
  declare status: CreationOptional<OrderStatus>;
  declare transaction_id: CreationOptional<string | null>;
  declare paid_at: CreationOptional<Date | null>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;

  static associate() {
    Order.belongsTo(User, { foreignKey: 'user_id' });
  }
}

export default (app: Application) => {
  const { INTEGER, STRING, DATE, ENUM } = DataTypes;
  Order.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    no: { type: STRING(32), allowNull: false, unique: true },
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    price: { type: INTEGER.UNSIGNED, allowNull: false },
    amount: { type: INTEGER.UNSIGNED, allowNull: false },
    coin: { type: INTEGER.UNSIGNED, allowNull: false },
    status: { type: ENUM(...ORDER_STATUSES), allowNull: false, defaultValue: 'pending' },
    transaction_id: { type: STRING(32), allowNull: true },
    paid_at: { type: DATE, allowNull: true },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'order', tableName: 'order' });
  return Order;
};
