import { Application } from 'egg';
import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model } from 'sequelize';
import { coins, createdTime } from '../common/columns';
import { UserStatus } from '../common/moderation';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare password: string;
  declare nickname: CreationOptional<string>;
  declare avatar: CreationOptional<string>;
  declare coin: CreationOptional<number>;
  // Banned users (UserStatus.Banned) cannot log in and their tokens are refused.
  declare status: CreationOptional<UserStatus>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  // The password digest never leaves the model, whatever serialises it.
  toJSON() {
    const values = { ...this.get({ plain: true }) } as Partial<InferAttributes<User>>;
    delete values.password;
    return values as Omit<InferAttributes<User>, 'password'>;
  }
}

export default (app: Application) => {
  const { INTEGER, TINYINT, STRING, DATE } = DataTypes;
  User.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    username: { type: STRING(30), allowNull: false, unique: true },
    password: { type: STRING(200), allowNull: false },
    nickname: { type: STRING(30), allowNull: false, defaultValue: '' },
    avatar: { type: STRING(200), allowNull: false, defaultValue: '' },
    coin: coins(),
    status: { type: TINYINT.UNSIGNED, allowNull: false, defaultValue: UserStatus.Active },
    created_time: createdTime(),
    updated_time: DATE,
  }, {
    sequelize: app.model,
    modelName: 'user',
    tableName: 'user',
    // Queries leave the digest out unless they ask for it with User.scope('withPassword').
    defaultScope: { attributes: { exclude: [ 'password' ] } },
    scopes: { withPassword: {} },
  });
  return User;
};
