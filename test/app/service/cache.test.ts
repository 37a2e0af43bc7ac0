import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
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

  describe('online lists', () => {
    // Live ids no room uses, so the lists start empty (the lists live in Redis only).
    let liveId = 4000000000 + Math.floor(Math.random() * 1000000);
    const user = (id: number) => ({ id, name: `u${id}`, avatar: '' });
    let cache: ReturnType<typeof app.mockContext>['service']['cache'];
    beforeEach(() => {
      cache = app.mockContext().service.cache;
      liveId++;
    });

    it('lists a user with several sockets once, newest user first, and unlists them with their last socket', async () => {
      assert.equal(await cache.joinOnline(liveId, 's1', user(1), 1000), true);
      assert.equal(await cache.joinOnline(liveId, 's2', user(2), 2000), true);
      assert.equal(await cache.joinOnline(liveId, 's3', user(1), 3000), true);
      // The same socket again changes nothing.
      assert.equal(await cache.joinOnline(liveId, 's3', user(1), 4000), false);
      let list = await cache.onlineSnapshot(liveId, 100);
      assert.equal(list.count, 2);
      assert.deepEqual(list.data, [ user(1), user(2) ]);
      assert.deepEqual(list.clients, [ 's3', 's2', 's1' ]);
      assert.deepEqual(list.last, { action: 'join', user: user(1) });

      assert.equal(await cache.leaveOnline(liveId, 's1'), true);
      list = await cache.onlineSnapshot(liveId, 100);
      assert.equal(list.count, 2);
      assert.deepEqual(list.clients, [ 's3', 's2' ]);
      assert.equal(await cache.leaveOnline(liveId, 's3'), true);
      assert.equal(await cache.leaveOnline(liveId, 's3'), false);
      list = await cache.onlineSnapshot(liveId, 100);
      assert.deepEqual(list, { count: 1, data: [ user(2) ], clients: [ 's2' ], last: { action: 'leave', user: user(1) } });

      await cache.leaveOnline(liveId, 's2');
      assert.deepEqual(await cache.onlineSnapshot(liveId, 100), { count: 0, data: [], clients: [], last: null });
      // An empty room leaves no key behind.
      const keys = await app.redis.keys(`${prefix}online_${liveId}:*`);
      assert.deepEqual(keys, []);
      assert.equal(await app.redis.sismember(`${prefix}online_rooms`, String(liveId)), 0);
    });

    it('stays exact under concurrent joins and leaves of the same users', async () => {
      const joins = Array.from({ length: 200 }, (_, i) => cache.joinOnline(liveId, `s${i}`, user(i % 20)));
      await Promise.all(joins);
      const leaves = Array.from({ length: 150 }, (_, i) => cache.leaveOnline(liveId, `s${i}`));
      await Promise.all(leaves);
      const list = await cache.onlineSnapshot(liveId, 100);
      // Sockets 150..199 remain: users (150..199) % 20, all 20 of them.
      assert.equal(list.count, 20);
      assert.equal(list.clients.length, 50);
    });

    it('caps data and clients at the limit and keeps count exact', async () => {
      for (let i = 0; i < 150; i++) await cache.joinOnline(liveId, `s${i}`, user(i), 1000 + i);
      const list = await cache.onlineSnapshot(liveId, 100);
      assert.equal(list.count, 150);
      assert.equal(list.data.length, 100);
      assert.deepEqual(list.data[0], user(149));
      assert.equal(list.clients.length, 100);
      assert.equal(list.clients[0], 's149');
    });

    it('sweeps the sockets without a heartbeat since the cutoff, and a heartbeat keeps or lists a socket again', async () => {
      await cache.joinOnline(liveId, 'dead', user(1), 1000);
      await cache.joinOnline(liveId, 'alive', user(2), 1000);
      assert.equal(await cache.touchOnline(liveId, [{ socketId: 'alive', user: user(2) }], 5000), 0);
      assert(await cache.sweepOnline(2000) >= 1);
      let list = await cache.onlineSnapshot(liveId, 100);
      assert.deepEqual(list.data, [ user(2) ]);
      assert.deepEqual(list.last, { action: 'leave', user: user(1) });
      // Lost (a Redis restart): the next heartbeat lists it again.
      await app.redis.del(...await app.redis.keys(`${prefix}online_${liveId}:*`));
      assert.equal(await cache.touchOnline(liveId, [{ socketId: 'alive', user: user(2) }], 6000), 1);
      list = await cache.onlineSnapshot(liveId, 100);
      assert.equal(list.count, 1);
      assert.deepEqual(list.clients, [ 'alive' ]);
    });

    it('sweeps a room of more sockets than one sweep script removes', async () => {
      await Promise.all(Array.from({ length: 2500 }, (_, i) => cache.joinOnline(liveId, `s${i}`, user(i % 50), 1000)));
      assert.equal(await cache.sweepOnline(2000) >= 2500, true);
      assert.equal((await cache.onlineSnapshot(liveId, 100)).count, 0);
    });

    it('publishes every change on the online channel with the live id', async () => {
      const subscriber = app.redis.duplicate();
      const heard: string[] = [];
      subscriber.on('message', (_channel: string, live: string) => heard.push(live));
      await subscriber.subscribe(cache.onlineChannel);
      try {
        await cache.joinOnline(liveId, 's1', user(1));
        await cache.joinOnline(liveId, 's1', user(1));
        await cache.leaveOnline(liveId, 's1');
        await cache.leaveOnline(liveId, 's1');
        for (let i = 0; i < 50 && heard.length < 2; i++) await sleep(10);
        assert.deepEqual(heard, [ String(liveId), String(liveId) ]);
      } finally {
        subscriber.disconnect();
      }
    });
  });
});
