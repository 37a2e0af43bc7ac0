import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app, mm } from 'egg-mock/bootstrap';
import { EggAppInfo } from 'egg';
import defaultConfig, { corsOrigins } from '../../config/config.default';
import { BENCH_SECRETS } from '../../bench/lib/constants';

const H5 = 'http://localhost:8080';

describe('test/config/cors.test.ts', () => {
  afterEach(() => mm.restore());

  // A browser's preflight before the client's POST with its token header.
  function preflight(target: typeof app, origin: string) {
    return target.httpRequest().options('/api/upload')
      .set('origin', origin)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type, token, authorization');
  }

  describe('any origin (CORS_ORIGINS=*, the default outside production)', () => {
    it('answers a preflight for POST with the client\'s headers', async () => {
      const res = await preflight(app, H5).expect(204);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert(res.headers['access-control-allow-methods'].split(',').includes('POST'));
      const allowed = res.headers['access-control-allow-headers'].toLowerCase().split(',');
      for (const header of [ 'content-type', 'token', 'authorization' ]) assert(allowed.includes(header), header);
      assert(Number(res.headers['access-control-max-age']) > 0);
    });

    it('lets a page read answers, refusals included', async () => {
      let res = await app.httpRequest().get('/api/gift/list').set('origin', H5)
        .expect(200);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      res = await app.httpRequest().get('/api/user/info').set('origin', H5)
        .expect(401);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
    });

    it('adds no CORS headers to a request that names no Origin (not a browser\'s cross-origin one)', async () => {
      const res = await app.httpRequest().get('/api/gift/list').expect(200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.equal(res.body.msg, 'ok');
    });
  });

  describe('listed origins', () => {
    let listed: typeof app;
    // The app log, which earlier runs and apps write to as well: this app's origins are its own.
    let logFile: string;
    const own = `https://${randomBytes(6).toString('hex')}.example`;

    before(async () => {
      logFile = path.join(app.config.logger.dir, `${app.config.name}-web.log`);
      mm(process.env, 'CORS_ORIGINS', `https://a.example, http://localhost:8080/, ${own}`);
      listed = mm.app({ cache: false });
      await listed.ready();
    });

    after(async () => {
      await listed.close();
      mm.restore();
    });

    it('allows each listed origin, and no other', async () => {
      for (const origin of [ 'https://a.example', H5 ]) {
        const res = await preflight(listed, origin).expect(204);
        assert.equal(res.headers['access-control-allow-origin'], origin);
        assert.match(res.headers.vary, /Origin/i);
        const simple = await listed.httpRequest().get('/api/gift/list').set('origin', origin)
          .expect(200);
        assert.equal(simple.headers['access-control-allow-origin'], origin);
      }
      for (const origin of [ 'https://b.example', 'http://a.example', 'https://a.example.evil.com', 'null' ]) {
        const res = await preflight(listed, origin);
        assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
        const simple = await listed.httpRequest().get('/api/gift/list').set('origin', origin)
          .expect(200);
        assert.equal(simple.headers['access-control-allow-origin'], undefined, origin);
      }
    });

    it('says at start which origins it allows', async () => {
      // Written by the app's logger; closing it flushes the file.
      await listed.close();
      const log = readFileSync(logFile, 'utf8');
      assert(log.includes(`CORS allows the origins https://a.example, http://localhost:8080, ${own}\n`));
    });
  });

  describe('corsOrigins()', () => {
    it('reads a comma-separated list of origins, or *', () => {
      assert.deepEqual(corsOrigins('*'), [ '*' ]);
      assert.deepEqual(corsOrigins(' https://a.example ,http://b.example:8080/,, '), [ 'https://a.example', 'http://b.example:8080' ]);
    });

    it('refuses what is not an origin, naming the variable', () => {
      for (const entry of [ 'a.example', 'https://a.example/path', 'file:///tmp/x', 'https://*.example' ]) {
        assert.throws(() => corsOrigins(`https://ok.example,${entry}`), /CORS_ORIGINS must list origins/, entry);
      }
    });
  });

  describe('outside local and unittest', () => {
    const prodConfig = () => defaultConfig({ name: 'cilicl-live', baseDir: process.cwd(), env: 'prod' } as EggAppInfo);
    beforeEach(() => {
      for (const [ name, value ] of Object.entries(BENCH_SECRETS)) mm(process.env, name, value);
    });

    it('refuses to start without CORS_ORIGINS, naming it', async () => {
      mm(process.env, 'CORS_ORIGINS', '');
      assert.throws(() => prodConfig(), /CORS_ORIGINS must be set outside local and unittest \(EGG_SERVER_ENV=prod\)/);
      mm.env('prod');
      const prod = mm.app({ cache: false });
      try {
        await assert.rejects(prod.ready(), /CORS_ORIGINS must be set/);
      } finally {
        await prod.close().catch(() => undefined);
      }
    });

    it('starts with CORS_ORIGINS set, even to *', () => {
      mm(process.env, 'CORS_ORIGINS', '*');
      assert.deepEqual(prodConfig().corsOrigins, [ '*' ]);
    });
  });
});
