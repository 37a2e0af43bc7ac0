import { intFromEnv } from '../database/config';
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

  // Off: tests write rooms through the models too and read them back at once. The cache tests turn it on
  // (the media tests' cluster through ANSWER_CACHE_TTL).
  config.answerCache = {
    ttl: intFromEnv('ANSWER_CACHE_TTL', 0, 0),
  };

  // Every test logs in from 127.0.0.1, so the per-address limit would add up the wrong passwords of every file (and of
  // runs within its window); the tests of that limit set it themselves.
  config.auth = {
    login: { maxAddressFailures: intFromEnv('LOGIN_MAX_ADDRESS_FAILURES', 1000000, 1) },
  };

  // Tests make many rooms and changes per user; the rate limit tests lower these themselves.
  config.rateLimit = {
    liveCreate: { limit: intFromEnv('LIVE_CREATE_RATE_LIMIT', 1000, 1) },
    liveStatus: { limit: intFromEnv('LIVE_STATUS_RATE_LIMIT', 1000, 1) },
    wxpayOrder: { limit: intFromEnv('WXPAY_ORDER_RATE_LIMIT', 1000, 1) },
    upload: { limit: intFromEnv('UPLOAD_RATE_LIMIT', 1000, 1) },
    register: { limit: intFromEnv('REGISTER_RATE_LIMIT', 100000, 1) },
  };

  // Each gift told at once, as most tests expect one event per gift; the coalescing tests set a window themselves.
  config.realtime = {
    gift: { coalesceMs: intFromEnv('GIFT_COALESCE_MS', 0, 0) },
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
