import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { until } from '../../../media_support';
import { registerAndLogin } from '../../../support';
import {
  appUrl, closeClients, connect, lastOnline, ok, OnlineEvent, openLive, profile, record, snapshot,
} from '../../../socket_support';

describe('test/app/io/middleware/presence.test.ts', () => {
  let url: string;
  before(async () => {
    url = await appUrl();
  });
  afterEach(() => {
    closeClients();
    mm.restore();
  });

  it('refuses a second connect on one connection: the socket stays listed until it really closes', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(url, { token: viewer.token });
    await ok(socket, 'joinLive', { live_id: live.id });
    const engine = (socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine;
    engine.write('0');
    // Events still run in order after it: this one is answered once it has been handled.
    await ok(socket, 'comment', { live_id: live.id, data: 'still here' });
    assert.deepEqual((await snapshot(live.id)).clients, [ socket.id ]);
    socket.close();
    await until('the socket to be unlisted', async () => (await snapshot(live.id)).count === 0);
  });

  it('unlists a disconnected socket from every live it joined at once, and tells each room', async () => {
    const [{ live: first }, { live: second }] = [ await openLive(), await openLive() ];
    const [ leaving, staying ] = [ await registerAndLogin(), await registerAndLogin() ];
    const watcher = await connect(url, { token: staying.token });
    await ok(watcher, 'joinLive', { live_id: first.id });
    await ok(watcher, 'joinLive', { live_id: second.id });
    const online = record<OnlineEvent>(watcher, 'online');
    const socket = await connect(url, { token: leaving.token });
    await ok(socket, 'joinLive', { live_id: first.id });
    await ok(socket, 'joinLive', { live_id: second.id });
    await until('both rooms to list two', async () => (await snapshot(first.id)).count === 2 && (await snapshot(second.id)).count === 2);
    const { id } = socket;
    socket.close();
    // Well before any sweep (config.realtime.online.stale seconds): the clean-up is the disconnect's own.
    await until('both rooms to unlist it', async () =>
      (await snapshot(first.id)).count === 1 && (await snapshot(second.id)).count === 1, 3000);
    for (const live of [ first, second ]) assert.deepEqual((await snapshot(live.id)).data, [ profile(staying) ]);
    const event = await lastOnline(online, 1);
    assert.equal(event.action, 'leave');
    assert.deepEqual(event.user, profile(leaving));
    assert(online.filter(seen => seen.action === 'leave').length >= 2, JSON.stringify(online));
    assert.equal(app.io.of('/').connected[id], undefined);
  });
});
