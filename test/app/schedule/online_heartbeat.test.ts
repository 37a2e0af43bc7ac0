import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { registerAndLogin, scheduleOf } from '../../support';
import { appUrl, closeClients, connect, openLive, publicIdOf, request } from '../../socket_support';

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
});
