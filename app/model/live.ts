import { Application } from 'egg';
import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute } from 'sequelize';
import { coins, createdTime } from '../common/columns';
import { User } from './user';

export enum LiveStatus {
  NotStarted = 0,
  Live = 1,
  Paused = 2,
  Ended = 3,
}

export class Live extends Model<InferAttributes<Live>, InferCreationAttributes<Live>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare cover: CreationOptional<string>;
  declare user_id: ForeignKey<User['id']>;
  declare look_count: CreationOptional<number>;
  declare coin: CreationOptional<number>;
  declare key: string;
  declare status: CreationOptional<LiveStatus>;
  declare created_time: CreationOptional<string>;
  declare updated_time: CreationOptional<Date>;

  declare user?: NonAttribute<User>;

  static associate() {
    Live.belongsTo(User, { foreignKey: 'user_id' });
  }

  // The broadcaster's stream started: a room not started or paused goes live; an ended one stays ended.
  static async streamStarted(key: string): Promise<boolean> {
    const [ changed ] = await Live.update({ status: LiveStatus.Live },
      { where: { key, status: [ LiveStatus.NotStarted, LiveStatus.Paused ] } });
    return changed > 0;
  }

  // The broadcaster's stream stopped: a live room is paused until the stream comes back.
  static async streamStopped(key: string): Promise<boolean> {
    const [ changed ] = await Live.update({ status: LiveStatus.Paused }, { where: { key, status: LiveStatus.Live } });
    return changed > 0;
  }
}

export default (app: Application) => {
  const { INTEGER, STRING, DATE, TINYINT } = DataTypes;
  Live.init({
    id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    title: { type: STRING(100), allowNull: false },
    cover: { type: STRING(200), allowNull: false, defaultValue: '' },
    user_id: { type: INTEGER.UNSIGNED, allowNull: false },
    look_count: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    coin: coins(),
    key: { type: STRING(20), allowNull: false, unique: true },
    status: { type: TINYINT.UNSIGNED, allowNull: false, defaultValue: LiveStatus.NotStarted },
    created_time: createdTime(),
    updated_time: DATE,
  }, { sequelize: app.model, modelName: 'live', tableName: 'live' });
  return Live;
};
