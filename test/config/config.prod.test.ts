import assert from 'node:assert';
import { mm } from 'egg-mock/bootstrap';

describe('test/config/config.prod.test.ts', () => {
  afterEach(() => mm.restore());

  // Loading the production config is where the start stops; nothing connects before it.
  async function startProd() {
    mm.env('prod');
    const app = mm.app({ cache: false });
    try {
      await app.ready();
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  it('refuses to start without EGG_KEYS, naming the variable', async () => {
    mm(process.env, 'EGG_KEYS', '');
    mm(process.env, 'JWT_SECRET', 'a-real-secret');
    await assert.rejects(startProd(), /EGG_KEYS must be set/);
  });

  it('refuses to start while JWT_SECRET is unset or still the development default', async () => {
    mm(process.env, 'EGG_KEYS', 'real-cookie-keys');
    mm(process.env, 'JWT_SECRET', '');
    await assert.rejects(startProd(), /JWT_SECRET must be set/);
    mm(process.env, 'JWT_SECRET', 'cilicl-live_development_jwt_secret');
    await assert.rejects(startProd(), /JWT_SECRET must be set/);
  });
});
