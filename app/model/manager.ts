import { Application } from 'egg';
import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model } from 'sequelize';
import { createdTime } from '../common/columns';

// An operator of the console (/admin), apart from the app's users.
export class Manager extends Model<InferAttributes<Manager>, InferCreationAttributes<Manager>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare password: string;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;
}

export default (app: Application) => {
  const { INTEGER, STRING, DATE } = DataTypes;
  Manager.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    username: { type: STRING(30), allowNull: false, unique: true },
    password: { type: STRING(200), allowNull: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, {
    sequelize: app.model,
    modelName: 'manager',
    tableName: 'manager',
    // As users: the digest only with Manager.scope('withPassword').
    defaultScope: { attributes: { exclude: [ 'password' ] } },
    scopes: { withPassword: {} },
  });
  return Manager;
};
