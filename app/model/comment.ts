import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { createdTime, growingId } from '../common/columns';
import { Live } from './live';
import { User } from './user';

export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<number>;
  declare content: string;
  declare user_id: ForeignKey<User['id']>;
  declare live_id: ForeignKey<Live['id']>;
  // Hidden by a moderator (app/service/moderation.ts): kept, no longer shown.
  declare hidden: CreationOptional<boolean>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare live?: NonAttribute<Live>;

  static associate() {
    Comment.belongsTo(User, { foreignKey: 'user_id' });
    Comment.belongsTo(Live, { foreignKey: 'live_id' });
  }
}

export default (app: Application) => {
  const { INTEGER, TEXT, DATE, BOOLEAN } = DataTypes;
  Comment.init({
    id: growingId(),
    content: { type: TEXT, allowNull: false },
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    live_id: { type: INTEGER.UNSIGNED, allowNull: false },
    hidden: { type: BOOLEAN, allowNull: false, defaultValue: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'comment', tableName: 'comment' });
  return Comment;
};
