import { DataTypes, Model, ModelAttributeColumnOptions, Options } from 'sequelize';

const pad = (n: number) => String(n).padStart(2, '0');

// 'YYYY-MM-DD HH:mm:ss' at a fixed UTC offset such as '+08:00', the shape course clients show.
export function formatDateTime(date: Date, offset: string): string {
  const [ , sign, hours, minutes ] = /^([+-])(\d{2}):(\d{2})$/.exec(offset) || [ '', '+', '00', '00' ];
  const shift = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  const local = new Date(date.getTime() + shift * 60000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
}

// The UTC offset such as '+08:00' the connection stores and reads times at (config.sequelize.timezone: MYSQL_TIMEZONE).
export function connectionOffset(sequelize: unknown): string {
  return (sequelize as { options: Options }).options.timezone || '+00:00';
}

// created_time reads as the course's model shows it: a local date-time string, not an ISO instant.
export function createdTime(): ModelAttributeColumnOptions<Model> {
  return {
    type: DataTypes.DATE,
    get(this: Model) {
      const value = this.getDataValue('created_time') as Date | null;
      return value ? formatDateTime(value, connectionOffset(this.sequelize)) : value;
    },
  };
}

// Coins (a user's balance, a room's sum): BIGINT UNSIGNED since database/migrations/20261202000001, read back as a
// number (database/config.js: supportBigNumbers), exact up to 2^53.
export function coins(): ModelAttributeColumnOptions<Model> {
  return { type: DataTypes.BIGINT.UNSIGNED, allowNull: false, defaultValue: 0 };
}

// The id of a table that gains a row with every danmaku, gift or first visit: BIGINT UNSIGNED, as coins.
export function growingId(): ModelAttributeColumnOptions<Model> {
  return { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true };
}
