import assert from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { app } from 'egg-mock/bootstrap';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';
import {
  connect, ok, OnlineEvent, openLive, profile, publicIdOf, record, snapshot, useSocketTests,
} from '../../../socket_support';

// ES2021's, which the project's TypeScript lib does not declare; Node has it.
const { WeakRef } = globalThis as unknown as { WeakRef: new (target: object) => { deref(): object | undefined } };

describe('test/app/io/middleware/presence.test.ts', () => {
  const socketApp = useSocketTests();

  it('refuses a second connect on one connection: the socket stays listed until it really closes', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: viewer.token });
    await ok(socket, 'joinLive', { live_id: live.id });
    const engine = (socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine;
    engine.write('0');
    // Events still run in order after it: this one is answered once it has been handled.
    await ok(socket, 'comment', { live_id: live.id, data: 'still here' });
    assert.deepEqual((await snapshot(live.id)).clients, [ publicIdOf(socket) ]);
    socket.close();
    await until('the socket to be unlisted', async () => (await snapshot(live.id)).count === 0);
  });

  it('keeps a connection\'s first socket on a second connect: it serves the events, and sees its own disconnect', async () => {
    const viewer = await registerAndLogin();
    const { live } = await openLive();
    const socket = await connect(socketApp.url, { token: viewer.token });
    const first = app.io.of('/').connected[socket.id];
    const errors = record<string>(socket, 'error');
    (socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine.write('0');
    await until('the refusal of the second connect', () => errors.length > 0, 5000);
    await ok(socket, 'joinLive', { live_id: live.id });
    assert.equal(app.io.of('/').connected[socket.id], first);
    let disconnected = false;
    first.once('disconnect', () => { disconnected = true; });
    socket.close();
    await until('the first socket\'s disconnect', () => disconnected, 5000);
  });

  it('keeps no Egg context for a connected socket: what a connection\'s middleware made is collected while it stays', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    // Every context egg-socket.io makes for a socket.io socket (its request's socket is set to the socket first).
    const made: Array<{ deref(): object | undefined }> = [];
    const createContext = app.createContext;
    app.createContext = function(this: typeof app, req, res) {
      const ctx = createContext.call(this, req, res);
      if ((req.socket as unknown as { nsp?: unknown }).nsp) made.push(new WeakRef(ctx));
      return ctx;
    } as typeof app.createContext;
    let socket: Awaited<ReturnType<typeof connect>>;
    try {
      socket = await connect(socketApp.url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: live.id });
    } finally {
      app.createContext = createContext;
    }
    // The connection's context and the event's.
    assert(made.length >= 2, `contexts seen: ${made.length}`);
    await until('every context to be collected', () => {
      gc();
      return made.every(ref => ref.deref() === undefined);
    }, 5000, 200);
    assert(socket.connected);
    // And the clean-up that used to wait in that context still runs.
    assert.equal((await snapshot(live.id)).count, 1);
    socket.close();
    await until('the socket to be unlisted', async () => (await snapshot(live.id)).count === 0, 3000);
  });

  it('unlists a disconnected socket from every live it joined at once, and tells each room', async () => {
    const [{ live: first }, { live: second }] = [ await openLive(), await openLive() ];
    const [ leaving, staying ] = [ await registerAndLogin(), await registerAndLogin() ];
    const watcher = await connect(socketApp.url, { token: staying.token });
    await ok(watcher, 'joinLive', { live_id: first.id });
    await ok(watcher, 'joinLive', { live_id: second.id });
    const online = record<OnlineEvent>(watcher, 'online');
    const socket = await connect(socketApp.url, { token: leaving.token });
    await ok(socket, 'joinLive', { live_id: first.id });
    await ok(socket, 'joinLive', { live_id: second.id });
    await until('both rooms to list two', async () => (await snapshot(first.id)).count === 2 && (await snapshot(second.id)).count === 2);
    const { id } = socket;
    socket.close();
    // Well before any sweep (config.realtime.online.stale seconds): the clean-up is the disconnect's own.
    await until('both rooms to unlist it', async () =>
      (await snapshot(first.id)).count === 1 && (await snapshot(second.id)).count === 1, 3000);
    for (const live of [ first, second ]) assert.deepEqual((await snapshot(live.id)).data, [ profile(staying) ]);
    // Each room tells its own leave (the event names no room: the watcher is in both).
    const leaves = () => online.filter(seen => seen.action === 'leave');
    await until('a leave event from each room', () => leaves().length === 2, 5000);
    for (const event of leaves()) {
      assert.deepEqual(event.user, profile(leaving));
      assert.equal(event.count, 1);
      assert.deepEqual(event.data, [ profile(staying) ]);
    }
    assert.equal(app.io.of('/').connected[id], undefined);
  });
});
