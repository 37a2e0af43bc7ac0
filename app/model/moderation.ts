import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime, growingId } from '../common/columns';
import { ACTOR_KINDS, Actor, MODERATION_ACTIONS, ModerationAction } from '../common/moderation';
import { Live } from './live';
import { User } from './user';

// One moderation action: who (a manager or a user), whom, what, where, until when.
export class Moderation extends Model<InferAttributes<Moderation>, InferCreationAttributes<Moderation>> {
  declare id: CreationOptional<number>;
  declare actor_kind: Actor['kind'];
  declare actor_id: number;
  declare user_id: ForeignKey<User['id']> | null;
  declare live_id: ForeignKey<Live['id']> | null;
  declare action: ModerationAction;
  declare until: Date | null;
  declare comment_id: number | null;
  declare reason: CreationOptional<string>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare live?: NonAttribute<Live>;

  static associate() {
    Moderation.belongsTo(User, { foreignKey: 'user_id' });
    Moderation.belongsTo(Live, { foreignKey: 'live_id' });
  }
}

export default (app: Application) => {
  const { BIGINT, INTEGER, STRING, DATE, ENUM } = DataTypes;
  Moderation.init({
    id: growingId(),
    actor_kind: { type: ENUM(...ACTOR_KINDS), allowNull: false },
    actor_id: { type: INTEGER.UNSIGNED, allowNull: false },
    user_id: { type: INTEGER.UNSIGNED, allowNull: true },
    live_id: { type: INTEGER.UNSIGNED, allowNull: true },
    action: { type: ENUM(...MODERATION_ACTIONS), allowNull: false },
    until: { type: DATE, allowNull: true },
    comment_id: { type: BIGINT.UNSIGNED, allowNull: true },
    reason: { type: STRING(200), allowNull: false, defaultValue: '' },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'moderation', tableName: 'moderation' });
  return Moderation;
};
