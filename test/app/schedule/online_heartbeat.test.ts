import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import { until } from '../../lib/until';
import { registerAndLogin, scheduleOf } from '../../support';
import { appUrl, closeClients, connect, ok, openLive, profile, publicIdOf, record, request, snapshot } from '../../socket_support';

describe('test/app/schedule/online_heartbeat.test.ts', () => {
  afterEach(closeClients);

  it('runs on every worker every config.realtime.online.heartbeat seconds', () => {
    assert.deepEqual(scheduleOf('online_heartbeat'), { type: 'all', interval: app.config.realtime.online.heartbeat * 1000 });
  });

  it('keeps this worker\'s joined sockets from being swept, and lists again a socket Redis lost', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(await appUrl(), { token: viewer.token });
    assert.equal((await request(socket, 'joinLive', { live_id: live.id })).data.action, 'ok');
    const online = app.mockContext().service.online;
    const alive = `${app.config.cache.prefix}online_${live.id}:alive`;

    // As if the last heartbeat were long ago; this one brings it back.
    await app.redis.zadd(alive, 0, socket.id);
    await app.runSchedule('online_heartbeat');
    assert(Number(await app.redis.zscore(alive, socket.id)) > Date.now() - 5000);
    await app.runSchedule('online_sweep');
    assert.deepEqual((await online.snapshot(live.id, 100)).clients, [ publicIdOf(socket) ]);

    await app.redis.del(...await app.redis.keys(`${app.config.cache.prefix}online_${live.id}:*`));
    await app.runSchedule('online_heartbeat');
    const list = await online.snapshot(live.id, 100);
    assert.deepEqual(list.data, [{ id: viewer.id, name: viewer.username, avatar: '' }]);
  });

  it('unlists, at the next heartbeat, a socket whose user has logged out, and stops telling it the room', async () => {
    const url = await appUrl();
    const { live } = await openLive();
    const [ leaving, staying ] = [ await registerAndLogin(), await registerAndLogin() ];
    const gone = await connect(url, { token: leaving.token });
    const other = await connect(url, { token: staying.token });
    await ok(gone, 'joinLive', { live_id: live.id });
    await ok(other, 'joinLive', { live_id: live.id });
    await app.httpRequest().post('/api/logout').set('token', leaving.token)
      .expect(200);
    await app.runSchedule('online_heartbeat');
    const list = await snapshot(live.id);
    assert.deepEqual(list.data, [ profile(staying) ]);
    assert.deepEqual(list.clients, [ publicIdOf(other) ]);
    const heard = record(gone, 'comment');
    const told = record(other, 'comment');
    await ok(other, 'comment', { live_id: live.id, data: 'after the logout' });
    await until('the comment', () => told.length === 1);
    await sleep(100);
    assert.deepEqual(heard, []);
  });
});
