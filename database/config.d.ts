import { Options } from 'sequelize';

export declare const timezone: string;

export declare function connection(serverEnv?: string): Options & {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  timezone: string;
};
