import { DefaultConfig } from './config.default';

export default () => {
  const config: DefaultConfig = {};

  // The database is chosen in database/config.js (cilicl_live_unittest); Redis keys get their own prefix too.
  config.cache = {
    prefix: process.env.REDIS_TEST_KEY_PREFIX || 'cilicl-live-unittest:',
  };

  // Only the media tests run Node-Media-Server (in their own cluster, MEDIA_SERVER=on); the rest need no ports.
  config.media = {
    enable: process.env.MEDIA_SERVER === 'on',
  };

  config.logger = {
    consoleLevel: 'WARN',
  };
  // The media tests read logs/cilicl-live/media.log; refused test sessions need not fill the console.
  config.customLogger = {
    mediaLogger: { consoleLevel: 'NONE' },
  };

  return config;
};
