'use strict';

// The one place that reads the MySQL settings: sequelize-cli loads this file and config/config.default.ts imports it.
const env = process.env;

// A whole number from the environment, or the default; anything else stops the start, naming the variable.
// config/config.default.ts reads its numbers through it too.
function intFromEnv(name, fallback, min = 0) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`[cilicl-live] ${name} must be a whole number of at least ${min}, not "${raw}"`);
  }
  return value;
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
    dialectOptions: { charset: 'utf8mb4' },
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
  development: cli,
  test: cli,
  production: cli,
};
