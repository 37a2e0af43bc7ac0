import { Application } from 'egg';
import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model } from 'sequelize';
import { createdTime } from '../common/columns';

// A word refused in danmaku and room titles (app/service/word.ts).
export class Word extends Model<InferAttributes<Word>, InferCreationAttributes<Word>> {
  declare id: CreationOptional<number>;
  declare word: string;
  // The manager who added it.
  declare created_by: number;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;
}

export default (app: Application) => {
  const { INTEGER, STRING, DATE } = DataTypes;
  Word.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    word: { type: STRING(50), allowNull: false, unique: true },
    created_by: { type: INTEGER.UNSIGNED, allowNull: false },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'word', tableName: 'word' });
  return Word;
};
