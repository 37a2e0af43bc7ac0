import { Options } from 'sequelize';

export declare function intFromEnv(name: string, fallback: number, min?: number, source?: Record<string, string | undefined>): number;

export declare const SQL_MODE: string;

export declare function pinSqlMode(connection: unknown): Promise<void>;

export declare function connection(serverEnv?: string): Options & {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  timezone: string;
};
