import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { uniqueName } from '../../support';

describe('test/app/service/cache.test.ts', () => {
  let prefix: string;
  before(() => {
    prefix = app.config.cache.prefix;
  });

  it('keeps JSON values under the configured prefix', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('k');
    await ctx.service.cache.set(key, { a: 1, b: [ '弹幕', null ] });
    assert.deepEqual(await ctx.service.cache.get(key), { a: 1, b: [ '弹幕', null ] });
    assert.equal(await app.redis.get(prefix + key), '{"a":1,"b":["弹幕",null]}');
    assert.equal(await app.redis.exists(key), 0);
    assert.equal(await ctx.service.cache.get(uniqueName('missing')), null);
  });

  it('sets an expiry in seconds, and none by default', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('k');
    await ctx.service.cache.set(key, 'v', 100);
    const ttl = await app.redis.ttl(prefix + key);
    assert(ttl > 90 && ttl <= 100);
    await ctx.service.cache.set(key, 'v');
    assert.equal(await app.redis.ttl(prefix + key), -1);
  });

  it('removes a key and says whether it was there', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('k');
    await ctx.service.cache.set(key, 1);
    assert.equal(await ctx.service.cache.remove(key), 1);
    assert.equal(await ctx.service.cache.remove(key), 0);
    assert.equal(await ctx.service.cache.get(key), null);
  });

  it('increments by one or by an amount', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('n');
    assert.equal(await ctx.service.cache.incr(key), 1);
    assert.equal(await ctx.service.cache.incr(key, 10), 11);
    assert.equal(await ctx.service.cache.get(key), 11);
    assert.equal(await app.redis.ttl(prefix + key), -1);
  });

  it('counts in a window: the first increment sets the expiry and later ones keep it', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('w');
    assert.equal(await ctx.service.cache.incr(key, 1, 60), 1);
    await app.redis.expire(prefix + key, 30);
    assert.equal(await ctx.service.cache.incr(key, 2, 60), 3);
    const ttl = await app.redis.ttl(prefix + key);
    assert(ttl > 20 && ttl <= 30, `ttl ${ttl}`);
    const counts = await Promise.all(Array.from({ length: 20 }, () => ctx.service.cache.incr(key, 1, 60)));
    assert.deepEqual(counts.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 4));
  });
});
