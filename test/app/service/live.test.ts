import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../app/model/live';
import { registerAndLogin } from '../../support';

describe('test/app/service/live.test.ts', () => {
  let ownerId: number;

  before(async () => {
    ownerId = (await registerAndLogin()).id;
  });

  async function roomWithStatus(status: LiveStatus) {
    const ctx = app.mockContext();
    const live = await ctx.service.live.create(ownerId, 'service test');
    await live.update({ status });
    return live;
  }

  describe('exist()', () => {
    it('answers the room, or null', async () => {
      const live = await roomWithStatus(LiveStatus.Live);
      const ctx = app.mockContext();
      assert.equal((await ctx.service.live.exist(live.id))?.key, live.key);
      assert.equal(await ctx.service.live.exist(4294967295), null);
    });
  });

  describe('checkStatus()', () => {
    it('answers the contract\'s message for a missing, not started or ended room, and nothing for an open one', async () => {
      const ctx = app.mockContext();
      assert.equal(await ctx.service.live.checkStatus(4294967295), '直播间不存在');
      assert.equal(await ctx.service.live.checkStatus((await roomWithStatus(LiveStatus.NotStarted)).id), '未开播');
      assert.equal(await ctx.service.live.checkStatus((await roomWithStatus(LiveStatus.Ended)).id), '直播已结束');
      assert.equal(await ctx.service.live.checkStatus((await roomWithStatus(LiveStatus.Live)).id), undefined);
      assert.equal(await ctx.service.live.checkStatus((await roomWithStatus(LiveStatus.Paused)).id), undefined);
    });
  });

  describe('changeStatus()', () => {
    it('keeps a room ended whatever changes race with its stop', async () => {
      const live = await roomWithStatus(LiveStatus.Live);
      const changes = [ 'stop', 'play', 'pause', 'stop', 'play' ] as const;
      await Promise.allSettled(changes.map(type => app.mockContext().service.live.changeStatus(ownerId, live.id, type)));
      await assert.rejects(app.mockContext().service.live.changeStatus(ownerId, live.id, 'play'), /该直播间已结束/);
      assert.equal((await app.model.Live.findByPk(live.id))?.status, LiveStatus.Ended);
    });
  });
});
