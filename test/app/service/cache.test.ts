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
    // Redis counts bytes: the two Chinese characters are three bytes each in UTF-8.
    assert.equal(await ctx.service.cache.strlen(key), Buffer.byteLength('{"a":1,"b":["弹幕",null]}'));
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

  it('appends and prepends JSON list items', async () => {
    const ctx = app.mockContext();
    const key = uniqueName('l');
    assert.equal(await ctx.service.cache.setList(key, { id: 1 }), 1);
    assert.equal(await ctx.service.cache.setList(key, { id: 2 }), 2);
    assert.equal(await ctx.service.cache.setList(key, { id: 0 }, 'unshift', 50), 3);
    assert.deepEqual(await ctx.service.cache.getList(key), [{ id: 0 }, { id: 1 }, { id: 2 }]);
    const ttl = await app.redis.ttl(prefix + key);
    assert(ttl > 40 && ttl <= 50);
    assert.deepEqual(await ctx.service.cache.getList(uniqueName('none')), []);
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

  it('clear() removes this app\'s keys and leaves every other key alone', async () => {
    const ctx = app.mockContext();
    const foreign = [ uniqueName('other-app:'), uniqueName('plain') ];
    for (const key of foreign) await app.redis.set(key, 'keep');
    const ours = [ uniqueName('a'), uniqueName('b'), uniqueName('c') ];
    for (const key of ours) await ctx.service.cache.set(key, 1);

    assert(await ctx.service.cache.clear() >= ours.length);
    for (const key of ours) assert.equal(await app.redis.exists(prefix + key), 0);
    for (const key of foreign) assert.equal(await app.redis.get(key), 'keep');
    const left: string[] = [];
    let cursor = '0';
    do {
      const [ next, keys ] = await app.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    assert.deepEqual(left, []);
    await app.redis.del(...foreign);
  });
});
