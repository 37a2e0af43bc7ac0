import assert from 'node:assert';
import { EggAppInfo } from 'egg';
import { mm } from 'egg-mock/bootstrap';
import { execFileSync } from 'node:child_process';
import defaultConfig from '../../config/config.default';
import { DEVELOPMENT_SECRETS } from '../../config/secrets';
import { BENCH_SECRETS } from '../../bench/lib/constants';

describe('test/config/config.test.ts', () => {
  // Required outside local and unittest; test/config/cors.test.ts checks that.
  beforeEach(() => mm(process.env, 'CORS_ORIGINS', '*'));
  afterEach(() => mm.restore());

  // Loading the config is where a refused start stops; nothing connects before it.
  async function start(env: string) {
    mm.env(env);
    const app = mm.app({ cache: false });
    try {
      await app.ready();
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  // Secrets long enough for a deployment (at least 32 characters each).
  const GOOD = {
    EGG_KEYS: 'real-cookie-keys-0123456789abcdef',
    JWT_SECRET: 'a-real-jwt-secret-0123456789abcdef',
    MEDIA_PUBLISH_SECRET: 'a-real-publish-secret-0123456789abcdef',
    MEDIA_PLAY_SECRET: 'a-real-play-secret-0123456789abcdef',
  };

  // config.default.ts as Egg calls it for environment `env` (only env and name are read).
  function configOf(env: string) {
    return defaultConfig({ env, name: 'cilicl-live', baseDir: process.cwd() } as EggAppInfo);
  }

  describe('production secrets', () => {
    it('refuses to start without EGG_KEYS, naming the variable', async () => {
      mm(process.env, 'EGG_KEYS', '');
      mm(process.env, 'JWT_SECRET', GOOD.JWT_SECRET);
      await assert.rejects(start('prod'), /EGG_KEYS must be set/);
    });

    it('refuses to start while JWT_SECRET is unset or still the development default', async () => {
      mm(process.env, 'EGG_KEYS', GOOD.EGG_KEYS);
      mm(process.env, 'JWT_SECRET', '');
      await assert.rejects(start('prod'), /JWT_SECRET must be set/);
      mm(process.env, 'JWT_SECRET', 'cilicl-live_development_jwt_secret');
      await assert.rejects(start('prod'), /JWT_SECRET must be set/);
    });

    it('refuses to start while a media secret is unset or still the development default', async () => {
      mm(process.env, 'EGG_KEYS', GOOD.EGG_KEYS);
      mm(process.env, 'JWT_SECRET', GOOD.JWT_SECRET);
      mm(process.env, 'MEDIA_PLAY_SECRET', GOOD.MEDIA_PLAY_SECRET);
      mm(process.env, 'MEDIA_PUBLISH_SECRET', '');
      await assert.rejects(start('prod'), /MEDIA_PUBLISH_SECRET must be set/);
      mm(process.env, 'MEDIA_PUBLISH_SECRET', DEVELOPMENT_SECRETS.MEDIA_PUBLISH_SECRET);
      await assert.rejects(start('prod'), /MEDIA_PUBLISH_SECRET must be set/);
      mm(process.env, 'MEDIA_PUBLISH_SECRET', GOOD.MEDIA_PUBLISH_SECRET);
      mm(process.env, 'MEDIA_PLAY_SECRET', DEVELOPMENT_SECRETS.MEDIA_PLAY_SECRET);
      await assert.rejects(start('prod'), /MEDIA_PLAY_SECRET must be set/);
    });

    it('refuses unset and development secrets under every environment name but local and unittest', async () => {
      for (const name of Object.keys(GOOD)) mm(process.env, name, '');
      for (const env of [ 'production', 'staging', 'test' ]) {
        await assert.rejects(start(env), new RegExp(`EGG_KEYS must be set to a secret of your own outside local and unittest \\(EGG_SERVER_ENV=${env}\\)`));
        for (const [ name, value ] of Object.entries(DEVELOPMENT_SECRETS)) {
          assert.throws(() => configOf(env), new RegExp(`${name} must be set`));
          mm(process.env, name, value);
          assert.throws(() => configOf(env), new RegExp(`${name} must be set`));
          mm(process.env, name, GOOD[name as keyof typeof GOOD]);
        }
        // A development key among several cookie keys is refused too: every key is accepted.
        mm(process.env, 'EGG_KEYS', `${GOOD.EGG_KEYS},${DEVELOPMENT_SECRETS.EGG_KEYS}`);
        assert.throws(() => configOf(env), /EGG_KEYS must be set/);
        for (const name of Object.keys(GOOD)) mm(process.env, name, '');
      }
    });

    it('refuses a secret shorter than 32 characters outside local and unittest, naming it', async () => {
      for (const [ name, value ] of Object.entries(GOOD)) mm(process.env, name, value);
      mm(process.env, 'JWT_SECRET', 'x'.repeat(31));
      await assert.rejects(start('staging'), /JWT_SECRET must be at least 32 characters outside local and unittest \(EGG_SERVER_ENV=staging\)/);
      mm(process.env, 'JWT_SECRET', GOOD.JWT_SECRET);
      for (const name of Object.keys(GOOD)) {
        mm(process.env, name, 'y'.repeat(31));
        assert.throws(() => configOf('prod'), new RegExp(`${name} must be at least 32 characters`));
        mm(process.env, name, GOOD[name as keyof typeof GOOD]);
      }
      // Every cookie key verifies a signature, so a short second key is refused too.
      mm(process.env, 'EGG_KEYS', `${GOOD.EGG_KEYS}, short`);
      assert.throws(() => configOf('prod'), /EGG_KEYS must be at least 32 characters/);
    });

    it('takes the secrets from the environment outside local and unittest', () => {
      for (const [ name, value ] of Object.entries(GOOD)) mm(process.env, name, value);
      for (const env of [ 'prod', 'production', 'staging' ]) {
        const config = configOf(env);
        assert.equal(config.keys, GOOD.EGG_KEYS);
        assert.equal(config.jwt?.secret, GOOD.JWT_SECRET);
        assert.equal(config.media?.publishSecret, GOOD.MEDIA_PUBLISH_SECRET);
        assert.equal(config.media?.playSecret, GOOD.MEDIA_PLAY_SECRET);
      }
    });

    it('accepts the secrets the benchmarks start the app with in prod', () => {
      for (const [ name, value ] of Object.entries(BENCH_SECRETS)) mm(process.env, name, value);
      assert.equal(configOf('prod').jwt?.secret, BENCH_SECRETS.JWT_SECRET);
    });

    it('runs local and unittest with the development secrets, or any given, of any length', () => {
      for (const name of Object.keys(GOOD)) mm(process.env, name, '');
      for (const env of [ 'local', 'unittest' ]) {
        const config = configOf(env);
        assert.equal(config.keys, DEVELOPMENT_SECRETS.EGG_KEYS);
        assert.equal(config.jwt?.secret, DEVELOPMENT_SECRETS.JWT_SECRET);
        assert.equal(config.media?.publishSecret, DEVELOPMENT_SECRETS.MEDIA_PUBLISH_SECRET);
        assert.equal(config.media?.playSecret, DEVELOPMENT_SECRETS.MEDIA_PLAY_SECRET);
      }
      mm(process.env, 'JWT_SECRET', 'short');
      assert.equal(configOf('local').jwt?.secret, 'short');
    });
  });

  describe('client address behind a proxy', () => {
    it('trusts no X-Forwarded-For unless TRUST_PROXY=true, in every environment; then PROXY_HOPS entries from the right', () => {
      for (const [ name, value ] of Object.entries(GOOD)) mm(process.env, name, value);
      for (const env of [ 'prod', 'local', 'unittest' ]) assert.equal(configOf(env).proxy, false);
      mm(process.env, 'TRUST_PROXY', 'false');
      assert.equal(configOf('prod').proxy, false);
      mm(process.env, 'TRUST_PROXY', 'true');
      assert.deepEqual([ configOf('prod').proxy, configOf('prod').maxIpsCount ], [ true, 1 ]);
      mm(process.env, 'PROXY_HOPS', '2');
      assert.equal(configOf('prod').maxIpsCount, 2);
      mm(process.env, 'PROXY_HOPS', '0');
      assert.throws(() => configOf('prod'), /PROXY_HOPS must be a whole number of at least 1/);
      mm(process.env, 'PROXY_HOPS', '');
      mm(process.env, 'TRUST_PROXY', 'yes');
      assert.throws(() => configOf('prod'), /TRUST_PROXY must be true or false, got "yes"/);
    });

    // The app as Egg loads it with these variables; ctx.ip of a request with that X-Forwarded-For from 10.0.0.1.
    async function ipOf(env: Record<string, string>, forwardedFor: string) {
      for (const [ name, value ] of Object.entries(env)) mm(process.env, name, value);
      mm.env('unittest');
      const app = mm.app({ cache: false });
      try {
        await app.ready();
        // A context of this app (app.mockContext answers the one egg-mock's bootstrap runs each test in).
        const req = { headers: { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: '10.0.0.1' } };
        return app.createAnonymousContext(req as unknown as Parameters<typeof app.createAnonymousContext>[0]).ip;
      } finally {
        await app.close();
      }
    }

    it('with a trusted proxy, the client is the address the proxy wrote: an entry forged further left changes nothing', async () => {
      assert.equal(await ipOf({ TRUST_PROXY: 'true' }, '203.0.113.7'), '203.0.113.7');
      // Nginx appending ($proxy_add_x_forwarded_for) to a header the client sent.
      assert.equal(await ipOf({ TRUST_PROXY: 'true' }, '6.6.6.6, 203.0.113.7'), '203.0.113.7');
      // Two trusted proxies, each appending: the client is the one the first proxy saw.
      assert.equal(await ipOf({ TRUST_PROXY: 'true', PROXY_HOPS: '2' }, '6.6.6.6, 203.0.113.7, 10.0.0.2'), '203.0.113.7');
    });

    it('without a trusted proxy, X-Forwarded-For is ignored: the client is the connection\'s peer', async () => {
      assert.equal(await ipOf({}, '6.6.6.6, 203.0.113.7'), '10.0.0.1');
      assert.equal(await ipOf({ TRUST_PROXY: 'false' }, '6.6.6.6'), '10.0.0.1');
    });
  });

  it('refuses one secret for publishing and playing, in any environment', async () => {
    mm(process.env, 'MEDIA_PUBLISH_SECRET', 'the-same');
    mm(process.env, 'MEDIA_PLAY_SECRET', 'the-same');
    await assert.rejects(start('unittest'), /MEDIA_PLAY_SECRET must differ from MEDIA_PUBLISH_SECRET/);
    mm(process.env, 'EGG_KEYS', GOOD.EGG_KEYS);
    mm(process.env, 'JWT_SECRET', GOOD.JWT_SECRET);
    mm(process.env, 'MEDIA_PUBLISH_SECRET', GOOD.MEDIA_PUBLISH_SECRET);
    mm(process.env, 'MEDIA_PLAY_SECRET', GOOD.MEDIA_PUBLISH_SECRET);
    assert.throws(() => configOf('prod'), /MEDIA_PLAY_SECRET must differ from MEDIA_PUBLISH_SECRET/);
  });

  it('refuses an unknown MEDIA_LOG_LEVEL, naming the levels', async () => {
    mm(process.env, 'MEDIA_LOG_LEVEL', 'verbose');
    await assert.rejects(start('unittest'), /MEDIA_LOG_LEVEL must be one of trace, debug, info, warn, error, got "verbose"/);
  });

  it('takes media ports, address, host, signature lifetime, publisher timeout and log level from the environment', async () => {
    mm(process.env, 'RTMP_PORT', '1935');
    mm(process.env, 'FLV_PORT', '8080');
    mm(process.env, 'MEDIA_BIND', '127.0.0.1');
    mm(process.env, 'PUBLIC_HOST', 'live.example.com');
    mm(process.env, 'MEDIA_SIGN_TTL', '3600');
    mm(process.env, 'MEDIA_LOG_LEVEL', 'info');
    mm(process.env, 'MEDIA_PUBLISHER_TIMEOUT', '45');
    mm.env('unittest');
    const app = mm.app({ cache: false });
    try {
      await app.ready();
      const { rtmpPort, flvPort, bind, publicHost, signTtl, publisherTimeout, logLevel, enable } = app.config.media;
      assert.deepEqual({ rtmpPort, flvPort, bind, publicHost, signTtl, publisherTimeout, logLevel, enable }, {
        rtmpPort: 1935, flvPort: 8080, bind: '127.0.0.1', publicHost: 'live.example.com', signTtl: 3600, publisherTimeout: 45,
        logLevel: 'info', enable: false,
      });
    } finally {
      await app.close();
    }
  });

  it('takes the socket layer\'s settings from the environment, and the adapter\'s Redis from IO_REDIS_* else REDIS_*', async () => {
    const settings = {
      SOCKET_AUTH_RECHECK: '2000', ONLINE_LIST_LIMIT: '50', ONLINE_INTERVAL: '250', ONLINE_HEARTBEAT: '3',
      ONLINE_STALE: '9', COMMENT_MAX_LENGTH: '100', COMMENT_RATE_LIMIT: '10', COMMENT_RATE_WINDOW: '5', SOCKET_MAX_LIVES: '4',
      SOCKET_EVENT_CONCURRENCY: '16',
      REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379', REDIS_DB: '3', IO_REDIS_DB: '4', IO_REDIS_PASSWORD: '',
    };
    for (const [ name, value ] of Object.entries(settings)) mm(process.env, name, value);
    mm.env('unittest');
    const app = mm.app({ cache: false });
    try {
      await app.ready();
      assert.deepEqual({ ...app.config.realtime, maxPendingEvents: undefined }, {
        authRecheck: 2000, maxPendingEvents: undefined, maxConcurrentEvents: 16, maxLives: 4,
        online: { listLimit: 50, interval: 250, heartbeat: 3, stale: 9 },
        comment: { maxLength: 100, limit: 10, window: 5 }, gift: { coalesceMs: 0 },
      });
      const database = process.env.MYSQL_TEST_DATABASE || 'cilicl_live_unittest';
      const { retry_strategy: retry, connect_timeout: connectTimeout, ...redis } = app.config.io.redis as unknown as {
        retry_strategy: (options: { attempt: number }) => number; connect_timeout: number };
      assert.deepEqual(redis, { host: '127.0.0.1', port: 6379, db: 4, key: `cilicl-live:${database}:socket.io` });
      // The adapter reconnects for ever, at most a second apart (node_redis gives up after connect_timeout ms in all).
      assert.deepEqual([ 1, 5, 10, 1000 ].map(attempt => retry({ attempt })), [ 100, 500, 1000, 1000 ]);
      assert.equal(connectTimeout, 2 ** 31 - 1);
      assert.equal(app.config.io.init.wsEngine, 'ws');
    } finally {
      await app.close();
    }
  });

  it('accepts both engine.io transports by default, WebSocket alone with SOCKET_TRANSPORTS=websocket, and refuses others', async () => {
    const transportsOf = (value: string) => {
      mm(process.env, 'SOCKET_TRANSPORTS', value);
      return (defaultConfig({ name: 'cilicl-live', baseDir: process.cwd(), env: 'unittest' } as EggAppInfo).io as { init: { transports: string[] } }).init.transports;
    };
    assert.deepEqual(transportsOf(''), [ 'polling', 'websocket' ]);
    assert.deepEqual(transportsOf('websocket'), [ 'websocket' ]);
    assert.deepEqual(transportsOf(' websocket , polling '), [ 'websocket', 'polling' ]);
    assert.throws(() => transportsOf('websocket,xhr'), /SOCKET_TRANSPORTS must list polling and\/or websocket, got "websocket,xhr"/);
    assert.throws(() => transportsOf(','), /SOCKET_TRANSPORTS must list polling and\/or websocket/);
  });

  it('limits rooms created, status changes and rooms per socket: 10 an hour, 30 a minute and 10 unless the environment says', () => {
    const appInfo = { name: 'cilicl-live', baseDir: process.cwd(), env: 'local' } as EggAppInfo;
    const defaults = defaultConfig(appInfo);
    assert.deepEqual(defaults.rateLimit, {
      liveCreate: { limit: 10, window: 3600 },
      liveStatus: { limit: 30, window: 60 },
      wxpayOrder: { limit: 10, window: 600 },
      upload: { limit: 30, window: 3600 },
      register: { limit: 20, window: 3600 },
    });
    assert.equal(defaults.realtime?.maxLives, 10);
    const settings = { LIVE_CREATE_RATE_LIMIT: '3', LIVE_CREATE_RATE_WINDOW: '600', LIVE_STATUS_RATE_LIMIT: '5', LIVE_STATUS_RATE_WINDOW: '10' };
    for (const [ name, value ] of Object.entries(settings)) mm(process.env, name, value);
    assert.deepEqual(defaultConfig(appInfo).rateLimit?.liveCreate, { limit: 3, window: 600 });
    assert.deepEqual(defaultConfig(appInfo).rateLimit?.liveStatus, { limit: 5, window: 10 });
    mm(process.env, 'LIVE_STATUS_RATE_LIMIT', '0');
    assert.throws(() => defaultConfig(appInfo), /LIVE_STATUS_RATE_LIMIT must be a whole number of at least 1/);
  });

  it('refuses an online list limit above 1000 and a stale time under two heartbeats', async () => {
    mm(process.env, 'ONLINE_LIST_LIMIT', '1001');
    await assert.rejects(start('unittest'), /ONLINE_LIST_LIMIT must be at most 1000/);
    mm(process.env, 'ONLINE_LIST_LIMIT', '100');
    mm(process.env, 'ONLINE_HEARTBEAT', '10');
    mm(process.env, 'ONLINE_STALE', '15');
    await assert.rejects(start('unittest'), /ONLINE_STALE must be at least twice ONLINE_HEARTBEAT/);
  });

  it('is readable by egg-bin dev, which takes PORT from it before typings/ exist', () => {
    // egg-bin dev reads config.cluster.listen.port through ts-node without this project's typings.
    const script = 'require("@eggjs/utils").getConfig({ framework: require("path").dirname(require.resolve("egg/package.json")),' +
      ' baseDir: process.cwd(), env: "local" }).then(c => console.log(c.cluster.listen.port), e => { console.error(e.message); process.exit(1); })';
    const out = execFileSync(process.execPath, [ '-r', 'ts-node/register', '-e', script ], {
      env: { ...process.env, PORT: '7123', EGG_TYPESCRIPT: 'true' },
      encoding: 'utf8',
    });
    assert.equal(out.trim(), '7123');
  });

  it('refuses to start on a number variable that is not a whole number, naming it', async () => {
    mm(process.env, 'TOKEN_TTL', '7d');
    await assert.rejects(start('unittest'), /TOKEN_TTL must be a whole number of at least 1, not "7d"/);
    mm(process.env, 'TOKEN_TTL', '');
    mm(process.env, 'REDIS_PORT', '-1');
    await assert.rejects(start('unittest'), /REDIS_PORT must be a whole number/);
  });

  it('takes the upload folder (relative to the app\'s) and the image size limit from the environment', () => {
    const appInfo = { baseDir: '/srv/cilicl-live', env: 'unittest', name: 'cilicl-live' } as EggAppInfo;
    mm(process.env, 'UPLOAD_DIR', '');
    mm(process.env, 'UPLOAD_MAX_SIZE', '');
    assert.deepEqual(defaultConfig(appInfo).upload, { dir: '/srv/cilicl-live/run/uploads', maxSize: 5 * 1024 * 1024 });
    mm(process.env, 'UPLOAD_DIR', 'shared/covers');
    mm(process.env, 'UPLOAD_MAX_SIZE', '1048576');
    assert.deepEqual(defaultConfig(appInfo).upload, { dir: '/srv/cilicl-live/shared/covers', maxSize: 1048576 });
    mm(process.env, 'UPLOAD_DIR', '/mnt/uploads');
    assert.equal(defaultConfig(appInfo).upload?.dir, '/mnt/uploads');
    mm(process.env, 'UPLOAD_MAX_SIZE', '5mb');
    assert.throws(() => defaultConfig(appInfo), /UPLOAD_MAX_SIZE must be a whole number of at least 1, not "5mb"/);
  });
});
