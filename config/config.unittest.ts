import { DefaultConfig } from './config.default';

export default () => {
  const config: DefaultConfig = {};

  // The database is chosen in database/config.js (cilicl_live_unittest); Redis keys get their own prefix too.
  config.cache = {
    prefix: process.env.REDIS_TEST_KEY_PREFIX || 'cilicl-live-unittest:',
  };

  config.logger = {
    consoleLevel: 'WARN',
  };

  return config;
};
