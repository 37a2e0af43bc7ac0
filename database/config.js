'use strict';

// The one place that reads the MySQL settings: sequelize-cli loads this file and config/config.default.ts imports it.
const env = process.env;

// A whole number from the environment, or the default; anything else stops the start, naming the variable.
// config/config.default.ts reads its numbers through it too.
function intFromEnv(name, fallback, min = 0, source = env) {
  const raw = source[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`[cilicl-live] ${name} must be a whole number of at least ${min}, not "${raw}"`);
  }
  return value;
}

// Pinned on every connection, whatever the server's global sql_mode: a value that does not fit its column (a coin sum
// past BIGINT, a title too long) is refused with an error, never clamped or cut with a warning. The whole mode is set,
// not added to, so a server's NO_BACKSLASH_ESCAPES or ANSI_QUOTES cannot change how queries read either.
const SQL_MODE = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_IN_DATE,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION';

// Fail fast while MySQL is away (README, "When MySQL or Redis is away"): ms to connect. A server that is away refuses
// each new connection at once, and the pool hands that error to the query waiting for it; the connect timeout is for
// a host that drops packets, and is not shorter because under a burst the worker's event loop runs its timers late (at
// 1 s, connections made in time were given up during 2000 joins at once). The wait for a pooled connection is bounded
// apart: long enough for a crowd joining one room at once (2000 joins queue for seconds behind one core,
// bench/README.md), short enough that connections stuck on a frozen server do not hold every request.
const CONNECT_TIMEOUT = 5000;
const ACQUIRE_TIMEOUT = 10000;

// Sequelize's afterConnect hook: runs on each new mysql2 connection (a callback API) before the pool hands it out.
function pinSqlMode(connection) {
  return new Promise((resolve, reject) => {
    connection.query(`SET SESSION sql_mode = '${SQL_MODE}'`, err => (err ? reject(err) : resolve()));
  });
}

// serverEnv is Egg's (appInfo.env); sequelize-cli runs take it from EGG_SERVER_ENV.
function connection(serverEnv = env.EGG_SERVER_ENV) {
  return {
    dialect: 'mysql',
    host: env.MYSQL_HOST || '127.0.0.1',
    port: intFromEnv('MYSQL_PORT', 3306, 1),
    username: env.MYSQL_USER || 'root',
    password: env.MYSQL_PASSWORD || '',
    // A test run never touches the development or production database, whatever MYSQL_DATABASE says.
    database: serverEnv === 'unittest' ? (env.MYSQL_TEST_DATABASE || 'cilicl_live_unittest') : (env.MYSQL_DATABASE || 'cilicl_live'),
    timezone: env.MYSQL_TIMEZONE || '+08:00',
    dialectOptions: {
      charset: 'utf8mb4',
      // mysql2 gives up connecting after this many ms (its default is 10 s).
      connectTimeout: CONNECT_TIMEOUT,
      // BIGINT columns (coins) read back as numbers, exact up to 2^53; a larger value would come back as a string
      // rather than a rounded number. (Sequelize's own defaults, pinned here.)
      supportBigNumbers: true,
      bigNumberStrings: false,
    },
    // A query waits at most ACQUIRE_TIMEOUT ms for a free connection (Sequelize's default is 60 s), then is answered
    // 503: all connections stuck on a server that stopped answering must not hold every request behind them.
    pool: { max: 5, acquire: ACQUIRE_TIMEOUT },
    hooks: { afterConnect: pinSqlMode },
    define: {
      freezeTableName: true,
      underscored: true,
      createdAt: 'created_time',
      updatedAt: 'updated_time',
      charset: 'utf8mb4',
      collate: 'utf8mb4_unicode_ci',
    },
    logging: false,
  };
}

// sequelize-cli picks a block by NODE_ENV; every block is the same connection, chosen by the variables above.
const cli = {
  ...connection(),
  migrationStorageTableName: 'sequelize_meta',
  // Seeders are recorded like migrations, so `db:seed` adds the gift catalogue once.
  seederStorage: 'sequelize',
  seederStorageTableName: 'sequelize_data',
};

module.exports = {
  intFromEnv,
  connection,
  SQL_MODE,
  pinSqlMode,
  development: cli,
  test: cli,
  production: cli,
};
