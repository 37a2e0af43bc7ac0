import assert from 'node:assert';
import { mm } from 'egg-mock/bootstrap';
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

    it('takes the secrets from the environment and trusts the proxy unless TRUST_PROXY=false', () => {
      mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
      mm(process.env, 'JWT_SECRET', 'a-real-secret');
      const config = prodConfig();
      assert.equal(config.keys, 'real-cookie-keys');
      assert.equal(config.jwt?.secret, 'a-real-secret');
      assert.equal(config.proxy, true);
      mm(process.env, 'TRUST_PROXY', 'false');
      assert.equal(prodConfig().proxy, false);
    });
  });

  it('refuses to start on a number variable that is not a whole number, naming it', async () => {
    mm(process.env, 'TOKEN_TTL', '7d');
    await assert.rejects(start('unittest'), /TOKEN_TTL must be a whole number of at least 1, not "7d"/);
    mm(process.env, 'TOKEN_TTL', '');
    mm(process.env, 'REDIS_PORT', '-1');
    await assert.rejects(start('unittest'), /REDIS_PORT must be a whole number/);
  });
});
