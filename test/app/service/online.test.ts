import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import { publicSocketId } from '../../../app/common/public_socket_id';

describe('test/app/service/online.test.ts', () => {
  let prefix: string;
  before(() => {
    prefix = app.config.cache.prefix;
  });
  // Live ids no room uses, so the lists start empty (the lists live in Redis only).
  let liveId = 4000000000 + Math.floor(Math.random() * 1000000);
  const user = (id: number) => ({ id, name: `u${id}`, avatar: '' });
  // How snapshot() names a socket: its public id.
  const client = (socketId: string) => publicSocketId(app.config.keys, socketId);
  let online: ReturnType<typeof app.mockContext>['service']['online'];
  beforeEach(() => {
    online = app.mockContext().service.online;
    liveId++;
  });

  it('lists a user with several sockets once, newest user first, and unlists them with their last socket', async () => {
    assert.equal(await online.join(liveId, 's1', user(1), 1000), true);
    assert.equal(await online.join(liveId, 's2', user(2), 2000), true);
    assert.equal(await online.join(liveId, 's3', user(1), 3000), true);
    // The same socket again changes nothing.
    assert.equal(await online.join(liveId, 's3', user(1), 4000), false);
    let list = await online.snapshot(liveId, 100);
    assert.equal(list.count, 2);
    assert.deepEqual(list.data, [ user(1), user(2) ]);
    assert.deepEqual(list.clients, [ 's3', 's2', 's1' ].map(client));
    assert.deepEqual(list.last, { action: 'join', user: user(1) });

    assert.equal(await online.leave(liveId, 's1'), true);
    list = await online.snapshot(liveId, 100);
    assert.equal(list.count, 2);
    assert.deepEqual(list.clients, [ 's3', 's2' ].map(client));
    assert.equal(await online.leave(liveId, 's3'), true);
    assert.equal(await online.leave(liveId, 's3'), false);
    list = await online.snapshot(liveId, 100);
    assert.deepEqual(list, { count: 1, data: [ user(2) ], clients: [ client('s2') ], last: { action: 'leave', user: user(1) } });

    await online.leave(liveId, 's2');
    assert.deepEqual(await online.snapshot(liveId, 100), { count: 0, data: [], clients: [], last: null });
    // An empty room leaves no key behind.
    const keys = await app.redis.keys(`${prefix}online_${liveId}:*`);
    assert.deepEqual(keys, []);
    assert.equal(await app.redis.sismember(`${prefix}online_rooms`, String(liveId)), 0);
  });

  it('counts the users online in each of several lives at once (the lobby), a user with two sockets once', async () => {
    const other = liveId + 500000;
    await online.join(liveId, 'c1', user(1));
    await online.join(liveId, 'c2', user(1));
    await online.join(liveId, 'c3', user(2));
    await online.join(other, 'c4', user(3));
    const counts = await online.counts([ liveId, other, other + 1 ]);
    assert.deepEqual([ ...counts ], [[ liveId, 2 ], [ other, 1 ], [ other + 1, 0 ]]);
    assert.deepEqual([ ...await online.counts([]) ], []);
    for (const [ live, socket ] of [[ liveId, 'c1' ], [ liveId, 'c2' ], [ liveId, 'c3' ], [ other, 'c4' ]] as const) {
      await online.leave(live, socket);
    }
  });

  it('keeps the real socket ids in Redis (leave and heartbeat use them) and shows their public ids only', async () => {
    await online.join(liveId, 'socket-a', user(1), 1000);
    await online.join(liveId, 'socket-b', user(2), 2000);
    const list = await online.snapshot(liveId, 100);
    assert.deepEqual(list.clients, [ client('socket-b'), client('socket-a') ]);
    assert(!JSON.stringify(list).includes('socket-'), JSON.stringify(list));
    assert.deepEqual((await online.snapshot(liveId, 100)).clients, list.clients);
    assert.deepEqual(await app.redis.zrange(`${prefix}online_${liveId}:sockets`, 0, -1), [ 'socket-a', 'socket-b' ]);
    assert.equal(await online.leave(liveId, 'socket-a'), true);
    assert.deepEqual((await online.snapshot(liveId, 100)).clients, [ client('socket-b') ]);
  });

  it('stays exact under concurrent joins and leaves of the same users', async () => {
    const joins = Array.from({ length: 200 }, (_, i) => online.join(liveId, `s${i}`, user(i % 20)));
    await Promise.all(joins);
    const leaves = Array.from({ length: 150 }, (_, i) => online.leave(liveId, `s${i}`));
    await Promise.all(leaves);
    const list = await online.snapshot(liveId, 100);
    // Sockets 150..199 remain: users (150..199) % 20, all 20 of them.
    assert.equal(list.count, 20);
    assert.equal(list.clients.length, 50);
  });

  it('caps data and clients at the limit and keeps count exact', async () => {
    for (let i = 0; i < 150; i++) await online.join(liveId, `s${i}`, user(i), 1000 + i);
    const list = await online.snapshot(liveId, 100);
    assert.equal(list.count, 150);
    assert.equal(list.data.length, 100);
    assert.deepEqual(list.data[0], user(149));
    assert.equal(list.clients.length, 100);
    assert.equal(list.clients[0], client('s149'));
  });

  it('sweeps the sockets without a heartbeat since the cutoff, and a heartbeat keeps or lists a socket again', async () => {
    await online.join(liveId, 'dead', user(1), 1000);
    await online.join(liveId, 'alive', user(2), 1000);
    assert.equal(await online.touch(liveId, [{ socketId: 'alive', user: user(2) }], 5000), 0);
    assert(await online.sweep(2000) >= 1);
    let list = await online.snapshot(liveId, 100);
    assert.deepEqual(list.data, [ user(2) ]);
    assert.deepEqual(list.last, { action: 'leave', user: user(1) });
    // Lost (a Redis restart): the next heartbeat lists it again.
    await app.redis.del(...await app.redis.keys(`${prefix}online_${liveId}:*`));
    assert.equal(await online.touch(liveId, [{ socketId: 'alive', user: user(2) }], 6000), 1);
    list = await online.snapshot(liveId, 100);
    assert.equal(list.count, 1);
    assert.deepEqual(list.clients, [ client('alive') ]);
  });

  it('sweeps a room of more sockets than one sweep script removes', async () => {
    await Promise.all(Array.from({ length: 2500 }, (_, i) => online.join(liveId, `s${i}`, user(i % 50), 1000)));
    assert.equal(await online.sweep(2000) >= 2500, true);
    assert.equal((await online.snapshot(liveId, 100)).count, 0);
  });

  it('publishes every change on the online channel with the live id', async () => {
    // Its offline queue on (the app's client refuses commands before it is connected), as the broadcaster's.
    const subscriber = (app.redis as unknown as { duplicate(override: object): typeof app.redis }).duplicate({ enableOfflineQueue: true });
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, live: string) => heard.push(live));
    await subscriber.subscribe(online.channel);
    try {
      await online.join(liveId, 's1', user(1));
      await online.join(liveId, 's1', user(1));
      await online.leave(liveId, 's1');
      await online.leave(liveId, 's1');
      for (let i = 0; i < 50 && heard.length < 2; i++) await sleep(10);
      assert.deepEqual(heard, [ String(liveId), String(liveId) ]);
    } finally {
      subscriber.disconnect();
    }
  });
});
