import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Application } from 'egg';
import { app, mm } from 'egg-mock/bootstrap';
import { OnlineBroadcaster } from '../../../app/lib/online_broadcaster';
import { liveRoom } from '../../../app/lib/socket_session';
import { until } from '../../lib/until';
import { registerAndLogin } from '../../support';
import {
  Client, connect, lastOnline, ok, OnlineEvent, openLive, publicIdOf, record, useSocketTests, Viewer,
} from '../../socket_support';

// A broadcaster on the real Redis, on a channel of its own, around an app whose list reads and socket rooms the
// test holds: what it reads, when, and what it emits to whom.
function isolated(interval: number) {
  const channel = `online-broadcaster-test-${randomBytes(4).toString('hex')}`;
  const state = { count: 0, reads: [] as number[], emitted: [] as Array<{ room: string; count: number; at: number }> };
  const rooms: Record<string, { length: number }> = {};
  const stub = {
    config: { realtime: { online: { interval, listLimit: 100 } } },
    redis: app.redis,
    logger: app.logger,
    coreLogger: app.coreLogger,
    createAnonymousContext: () => ({
      service: {
        online: {
          channel,
          snapshot: async (liveId: number) => {
            state.reads.push(liveId);
            return { count: state.count, data: [], clients: [], last: { action: 'join', user: { id: 1, name: 'u', avatar: '' } } };
          },
        },
      },
    }),
    io: {
      of: () => ({
        adapter: { rooms },
        to: (room: string) => ({ local: { emit: (_event: string, body: { count: number }) => state.emitted.push({ room, count: body.count, at: Date.now() }) } }),
      }),
    },
  };
  const broadcaster = new OnlineBroadcaster(stub as unknown as Application);
  // A change as the online service publishes it.
  const change = (liveId: number, count: number) => {
    state.count = count;
    return app.redis.publish(channel, String(liveId));
  };
  return { broadcaster, state, rooms, change };
}

describe('test/app/lib/online_broadcaster.test.ts', () => {
  const socketApp = useSocketTests();

  it('tells a burst of changes at once, then at most once per interval, and always once after the last change', async () => {
    const interval = 200;
    const { broadcaster, state, rooms, change } = isolated(interval);
    rooms[liveRoom(7)] = { length: 1 };
    await broadcaster.start();
    try {
      for (let i = 1; i <= 30; i++) await change(7, i);
      await until('the last change to be told', () => state.emitted.some(event => event.count === 30), 5000);
      // A change while the flush waits out its interval is told after it.
      await change(7, 31);
      await until('the change after the burst to be told', () => state.emitted.some(event => event.count === 31), 5000);
      await sleep(interval * 3);
      const counts = state.emitted.map(event => event.count);
      assert.equal(counts[counts.length - 1], 31);
      assert(counts.length < 10, `${counts.length} events for 31 changes: ${counts}`);
      assert(state.emitted.every(event => event.room === liveRoom(7)));
      for (let i = 1; i < state.emitted.length; i++) {
        const gap = state.emitted[i].at - state.emitted[i - 1].at;
        assert(gap >= interval - 5, `events ${gap} ms apart`);
      }
      // Quiet again: the next change is told at once.
      const before = state.emitted.length;
      const changedAt = Date.now();
      await change(7, 32);
      await until('a lone change to be told', () => state.emitted.length > before, 5000);
      assert(state.emitted[before].at - changedAt < interval, 'a lone change waited for the interval');
      assert.equal(state.emitted[before].count, 32);
    } finally {
      broadcaster.close();
    }
  });

  it('does not read or tell the list of a room without sockets of this worker', async () => {
    const { broadcaster, state, rooms, change } = isolated(50);
    rooms[liveRoom(8)] = { length: 1 };
    rooms[liveRoom(9)] = { length: 0 };
    await broadcaster.start();
    try {
      await change(9, 1);
      await change(10, 1);
      await change(8, 1);
      await until('the room with a socket to be told', () => state.emitted.length === 1, 5000);
      await sleep(200);
      assert.deepEqual(state.emitted.map(event => event.room), [ liveRoom(8) ]);
      assert.deepEqual(state.reads, [ 8 ]);
    } finally {
      broadcaster.close();
    }
  });

  it('tells nothing once closed', async () => {
    const { broadcaster, state, rooms, change } = isolated(50);
    rooms[liveRoom(11)] = { length: 1 };
    await broadcaster.start();
    await change(11, 1);
    await until('the first change to be told', () => state.emitted.length === 1, 5000);
    await sleep(100);
    broadcaster.close();
    await change(11, 2);
    await sleep(300);
    assert.deepEqual(state.emitted.map(event => event.count), [ 1 ]);
    assert.deepEqual(state.reads, [ 11 ]);
  });

  it('tells a burst of joins to the room in a few events that end on the exact list', async () => {
    const { live } = await openLive();
    const observer = await registerAndLogin();
    const watcher = await connect(socketApp.url, { token: observer.token });
    await ok(watcher, 'joinLive', { live_id: live.id });
    const online = record<OnlineEvent>(watcher, 'online');
    const viewers: Viewer[] = [];
    // One after another: supertest closes egg-mock's shared server after each request.
    for (let i = 0; i < 30; i++) viewers.push(await registerAndLogin());
    const sockets = await Promise.all(viewers.map(viewer => connect(socketApp.url, { token: viewer.token })));
    await Promise.all(sockets.map(socket => ok(socket, 'joinLive', { live_id: live.id })));
    const event = await lastOnline(online, 31);
    assert.deepEqual(new Set(event.data.map(user => user.id)), new Set([ observer.id, ...viewers.map(viewer => viewer.id) ]));
    assert(online.length < 10, `${online.length} online events for 30 joins`);
  });

  it('caps data and clients at config.realtime.online.listLimit, newest first, while count stays exact', async () => {
    mm(app.config.realtime.online, 'listLimit', 3);
    const { live } = await openLive();
    const viewers: Viewer[] = [];
    for (let i = 0; i < 5; i++) viewers.push(await registerAndLogin());
    const sockets: Client[] = [];
    for (const viewer of viewers) {
      const socket = await connect(socketApp.url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      sockets.push(socket);
      await sleep(5);
    }
    const online = record<OnlineEvent>(sockets[0], 'online');
    await ok(sockets[0], 'leaveLive', { live_id: live.id });
    await ok(sockets[0], 'joinLive', { live_id: live.id });
    const event = await lastOnline(online, 5);
    assert.deepEqual(event.data.map(user => user.id), [ viewers[0].id, viewers[4].id, viewers[3].id ]);
    assert.deepEqual(event.clients, [ sockets[0], sockets[4], sockets[3] ].map(publicIdOf));
  });
});
