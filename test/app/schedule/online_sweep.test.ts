import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { publicSocketId } from '../../../app/common/public_socket_id';
import { scheduleOf } from '../../support';

describe('test/app/schedule/online_sweep.test.ts', () => {
  it('runs every heartbeat on one worker, so a dead worker\'s sockets are unlisted within 30 seconds', () => {
    const { heartbeat, stale } = app.config.realtime.online;
    assert(heartbeat + stale <= 30, `heartbeat ${heartbeat} s + stale ${stale} s`);
    assert(stale >= 2 * heartbeat, 'a live socket must not go stale between two heartbeats');
    assert.deepEqual(scheduleOf('online_sweep'), { type: 'worker', interval: heartbeat * 1000 });
  });

  it('unlists the sockets whose heartbeat is older than config.realtime.online.stale seconds', async () => {
    const online = app.mockContext().service.online;
    const liveId = 4100000000 + Math.floor(Math.random() * 1000000);
    const user = { id: 1, name: 'gone', avatar: '' };
    const { stale } = app.config.realtime.online;
    await online.join(liveId, 'from-a-dead-worker', user, Date.now() - (stale + 1) * 1000);
    await online.join(liveId, 'recent', { ...user, id: 2 }, Date.now());
    await app.runSchedule('online_sweep');
    const list = await online.snapshot(liveId, 100);
    assert.deepEqual(list.clients, [ publicSocketId(app.config.keys, 'recent') ]);
    await online.leave(liveId, 'recent');
  });
});
