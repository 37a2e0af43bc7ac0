import { EggAppConfig, EggAppInfo, PowerPartial } from 'egg';
import { connection } from '../database/config';

// Development values of the secrets; config.prod.ts refuses to start while any of them is still in use.
export const DEVELOPMENT_SECRETS = {
  EGG_KEYS: 'cilicl-live_development_cookie_keys',
  JWT_SECRET: 'cilicl-live_development_jwt_secret',
};

export interface BizConfig {
  auth: {
    // Seconds a login token lives, in the JWT and in Redis alike.
    tokenTtl: number;
  };
  cache: {
    // Every Redis key of this app starts with it; cache.clear() removes these keys only.
    prefix: string;
  };
}

// What each environment's config file returns; BizConfig joins EggAppConfig in typings/index.d.ts.
export type DefaultConfig = PowerPartial<EggAppConfig>;

export default (appInfo: EggAppInfo) => {
  const env = process.env;
  const config = {} as PowerPartial<EggAppConfig>;

  config.keys = env.EGG_KEYS || DEVELOPMENT_SECRETS.EGG_KEYS;

  // errorHandler is placed among the core middleware by app.ts, ahead of body parsing.
  config.middleware = [];

  config.cluster = {
    listen: {
      port: Number(env.PORT || 7001),
    },
  };

  // A token API: requests carry no session cookie, so there is nothing for CSRF to forge.
  config.security = {
    csrf: { enable: false },
  };

  config.bodyParser = {
    jsonLimit: '1mb',
    formLimit: '1mb',
  };

  config.sequelize = {
    ...connection(appInfo.env),
    // egg-sequelize checks the connection at start-up; the schema itself comes from `npm run db:init`.
    logging: false,
  };

  config.redis = {
    client: {
      host: env.REDIS_HOST || '127.0.0.1',
      port: Number(env.REDIS_PORT || 6379),
      // egg-redis insists on a password key; ioredis sends no AUTH for an empty one.
      password: env.REDIS_PASSWORD || '',
      db: Number(env.REDIS_DB || 0),
    },
  };

  config.jwt = {
    secret: env.JWT_SECRET || DEVELOPMENT_SECRETS.JWT_SECRET,
    // egg-jwt's own koa middleware stays off: app/middleware/auth.ts checks tokens the course's way.
    enable: false,
  };

  config.auth = {
    tokenTtl: Number(env.TOKEN_TTL || 7 * 24 * 3600),
  };

  config.cache = {
    prefix: env.REDIS_KEY_PREFIX || `${appInfo.name}:`,
  };

  return config;
};
