import assert from 'node:assert';
import net from 'node:net';
import { once } from 'node:events';
import Redis from 'ioredis';
import { Sequelize } from 'sequelize';
import { app, mm } from 'egg-mock/bootstrap';
import { freePort } from '../../media_support';

// A Sequelize / an ioredis client of the app's kind, pointed at a port where nothing listens.
async function deadSequelize() {
  return new Sequelize('cilicl_live', 'root', '', { host: '127.0.0.1', port: await freePort(), dialect: 'mysql', logging: false });
}
async function deadRedis() {
  const redis = new Redis({ host: '127.0.0.1', port: await freePort(), lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  // Its refused connection is the point; ioredis would print it as unhandled.
  redis.on('error', () => undefined);
  return redis;
}

describe('test/app/controller/health.test.ts', () => {
  describe('GET /healthz', () => {
    it('answers 200 without a token and without asking any dependency', async () => {
      mm(app, 'redis', await deadRedis());
      mm(app, 'model', await deadSequelize());
      const res = await app.httpRequest().get('/healthz').expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: 'ok' });
    });

    it('sends no Content-Security-Policy: only HTML answers carry one', async () => {
      const res = await app.httpRequest().get('/healthz').set('user-agent', 'Mozilla/5.0')
        .expect(200);
      assert.equal(res.headers['content-security-policy'], undefined);
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 with each dependency up, and media disabled where config turns it off', async () => {
      const res = await app.httpRequest().get('/readyz').expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: { mysql: 'up', redis: 'up', media: 'disabled' } });
    });

    it('answers 503 naming MySQL when it cannot be reached', async () => {
      mm(app, 'model', await deadSequelize());
      const res = await app.httpRequest().get('/readyz').expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: { mysql: 'down', redis: 'up', media: 'disabled' } });
    });

    it('answers 503 naming Redis when it cannot be reached', async () => {
      const redis = await deadRedis();
      mm(app, 'redis', redis);
      const res = await app.httpRequest().get('/readyz').expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: { mysql: 'up', redis: 'down', media: 'disabled' } });
      redis.disconnect();
    });

    it('answers 503 within about a second when Redis accepts the connection but never answers', async () => {
      // A hung Redis: the TCP connection opens, PING gets no reply.
      const hung = net.createServer(() => undefined);
      hung.listen(0, '127.0.0.1');
      await once(hung, 'listening');
      const redis = new Redis({ host: '127.0.0.1', port: (hung.address() as net.AddressInfo).port, retryStrategy: () => null });
      mm(app, 'redis', redis);
      const started = Date.now();
      const res = await app.httpRequest().get('/readyz').expect(503);
      const took = Date.now() - started;
      assert.equal(res.body.data.redis, 'down');
      assert(took >= 900 && took < 2000, `answered after ${took} ms`);
      redis.disconnect();
      hung.close();
    });

    it('answers 503 naming the media server at once when the agent has none listening', async () => {
      // Media on for the worker, which then asks the agent; the agent was started without its server.
      mm(app.config.media, 'enable', true);
      mm((app as unknown as { agent: typeof app }).agent.config.media, 'enable', true);
      const started = Date.now();
      const res = await app.httpRequest().get('/readyz').expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: { mysql: 'up', redis: 'up', media: 'down' } });
      // The agent answered: no wait for the timeout.
      assert(Date.now() - started < 900, `answered after ${Date.now() - started} ms`);
    });

    it('answers 503 once the worker is shutting down, so a balancer stops sending to it', async () => {
      mm(app.inFlight, 'closing', true);
      const res = await app.httpRequest().get('/readyz').expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: { mysql: 'up', redis: 'up', media: 'disabled', closing: true } });
    });
  });
});
