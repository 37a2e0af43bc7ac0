import assert from 'node:assert';
import { EggAppInfo } from 'egg';
import { mm } from 'egg-mock/bootstrap';
import { execFileSync } from 'node:child_process';
import defaultConfig, { DEVELOPMENT_SECRETS } from '../../config/config.default';
import prodConfig from '../../config/config.prod';

describe('test/config/config.test.ts', () => {
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

  describe('production secrets', () => {
    it('refuses to start without EGG_KEYS, naming the variable', async () => {
      mm(process.env, 'EGG_KEYS', '');
      mm(process.env, 'JWT_SECRET', 'a-real-secret');
      await assert.rejects(start('prod'), /EGG_KEYS must be set/);
    });

    it('refuses to start while JWT_SECRET is unset or still the development default', async () => {
      mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
      mm(process.env, 'JWT_SECRET', '');
      await assert.rejects(start('prod'), /JWT_SECRET must be set/);
      mm(process.env, 'JWT_SECRET', 'cilicl-live_development_jwt_secret');
      await assert.rejects(start('prod'), /JWT_SECRET must be set/);
    });

    it('refuses to start while a media secret is unset or still the development default', async () => {
      mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
      mm(process.env, 'JWT_SECRET', 'a-real-secret');
      mm(process.env, 'MEDIA_PLAY_SECRET', 'a-real-play-secret');
      mm(process.env, 'MEDIA_PUBLISH_SECRET', '');
      await assert.rejects(start('prod'), /MEDIA_PUBLISH_SECRET must be set/);
      mm(process.env, 'MEDIA_PUBLISH_SECRET', DEVELOPMENT_SECRETS.MEDIA_PUBLISH_SECRET);
      await assert.rejects(start('prod'), /MEDIA_PUBLISH_SECRET must be set/);
      mm(process.env, 'MEDIA_PUBLISH_SECRET', 'a-real-publish-secret');
      mm(process.env, 'MEDIA_PLAY_SECRET', DEVELOPMENT_SECRETS.MEDIA_PLAY_SECRET);
      await assert.rejects(start('prod'), /MEDIA_PLAY_SECRET must be set/);
    });

    it('takes the secrets from the environment and trusts the proxy unless TRUST_PROXY=false', () => {
      mm(process.env, 'CORS_ORIGINS', '*');
      mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
      mm(process.env, 'JWT_SECRET', 'a-real-secret');
      mm(process.env, 'MEDIA_PUBLISH_SECRET', 'a-real-publish-secret');
      mm(process.env, 'MEDIA_PLAY_SECRET', 'a-real-play-secret');
      const config = prodConfig();
      assert.equal(config.keys, 'real-cookie-keys');
      assert.equal(config.jwt?.secret, 'a-real-secret');
      assert.deepEqual(config.media, { publishSecret: 'a-real-publish-secret', playSecret: 'a-real-play-secret' });
      assert.equal(config.proxy, true);
      mm(process.env, 'TRUST_PROXY', 'false');
      assert.equal(prodConfig().proxy, false);
    });
  });

  it('refuses one secret for publishing and playing, in any environment', async () => {
    mm(process.env, 'MEDIA_PUBLISH_SECRET', 'the-same');
    mm(process.env, 'MEDIA_PLAY_SECRET', 'the-same');
    await assert.rejects(start('unittest'), /MEDIA_PLAY_SECRET must differ from MEDIA_PUBLISH_SECRET/);
    mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
    mm(process.env, 'JWT_SECRET', 'a-real-secret');
    assert.throws(() => prodConfig(), /MEDIA_PLAY_SECRET must differ from MEDIA_PUBLISH_SECRET/);
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
      ONLINE_STALE: '9', COMMENT_MAX_LENGTH: '100', COMMENT_RATE_LIMIT: '10', COMMENT_RATE_WINDOW: '5',
      REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379', REDIS_DB: '3', IO_REDIS_DB: '4', IO_REDIS_PASSWORD: '',
    };
    for (const [ name, value ] of Object.entries(settings)) mm(process.env, name, value);
    mm.env('unittest');
    const app = mm.app({ cache: false });
    try {
      await app.ready();
      assert.deepEqual({ ...app.config.realtime, maxPendingEvents: undefined }, {
        authRecheck: 2000, maxPendingEvents: undefined,
        online: { listLimit: 50, interval: 250, heartbeat: 3, stale: 9 },
        comment: { maxLength: 100, limit: 10, window: 5 },
      });
      assert.deepEqual(app.config.io.redis, { host: '127.0.0.1', port: 6379, db: 4, key: 'cilicl-live:cilicl_live_unittest:socket.io' });
      assert.equal(app.config.io.init.wsEngine, 'ws');
    } finally {
      await app.close();
    }
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
