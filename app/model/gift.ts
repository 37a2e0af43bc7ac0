import { Application } from 'egg';
import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model } from 'sequelize';
import { createdTime } from '../common/columns';

export class Gift extends Model<InferAttributes<Gift>, InferCreationAttributes<Gift>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare image: CreationOptional<string>;
  declare coin: number;
  // Left out of the catalogue (a gift once sent is hidden rather than deleted).
  declare hidden: CreationOptional<boolean>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;
}

export default (app: Application) => {
  const { INTEGER, STRING, DATE, BOOLEAN } = DataTypes;
  Gift.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    name: { type: STRING(30), allowNull: false },
    image: { type: STRING(200), allowNull: false, defaultValue: '' },
    coin: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    hidden: { type: BOOLEAN, allowNull: false, defaultValue: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'gift', tableName: 'gift' });
  return Gift;
};
