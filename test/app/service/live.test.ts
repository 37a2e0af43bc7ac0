import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../app/model/live';
import { registerAndLogin, uniqueName } from '../../support';

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

  describe('readAnswer()', () => {
    beforeEach(() => mm(app.config.answerCache, 'ttl', 0));

    // What read answered when it was loaded through the models: the room with its owner, and the moderators.
    async function throughModels(id: number) {
      const { model } = app;
      const live = await model.Live.findByPk(id, { include: [{ model: model.User, attributes: [ 'id', 'username', 'avatar' ] }] });
      const rows = await model.LiveModerator.findAll({
        where: { live_id: id },
        include: [{ model: model.User, attributes: [ 'id', 'username', 'nickname', 'avatar' ] }],
        order: [[ 'id', 'ASC' ]],
      });
      const moderators = rows.map(({ user }) => ({ id: user!.id, username: user!.username, nickname: user!.nickname, avatar: user!.avatar }));
      return { ...live!.get({ plain: true }), moderators };
    }

    it('answers, through its plain SQL, the very text the models would: every column, the owner, the moderators in order', async () => {
      const live = await roomWithStatus(LiveStatus.Paused);
      await app.model.Live.update({ cover: '/public/uploads/2026/12/03/cover.png', look_count: 12, coin: 2 ** 40 + 7 }, { where: { id: live.id } });
      await app.model.User.update({ avatar: '/public/uploads/2026/12/03/owner.png' }, { where: { id: ownerId } });
      const [ first, second ] = [ await registerAndLogin(), await registerAndLogin() ];
      await app.model.User.update({ nickname: uniqueName('昵称') }, { where: { id: first.id } });
      // Appointed second first: listed in the order of appointment, not of user id.
      await app.model.LiveModerator.create({ live_id: live.id, user_id: second.id });
      await app.model.LiveModerator.create({ live_id: live.id, user_id: first.id });

      const answer = await app.mockContext().service.live.readAnswer(live.id);
      const expected = await throughModels(live.id);
      assert.equal(expected.moderators.length, 2);
      assert.equal(answer?.json, JSON.stringify(expected));
      assert.equal(JSON.stringify(answer?.live), answer?.json);
      assert.equal((await app.mockContext().service.live.read(live.id))?.coin, 2 ** 40 + 7);
    });

    it('answers a room without moderators as the models would, and null for a room that does not exist', async () => {
      const live = await roomWithStatus(LiveStatus.Live);
      assert.equal((await app.mockContext().service.live.readAnswer(live.id))?.json, JSON.stringify(await throughModels(live.id)));
      assert.equal(await app.mockContext().service.live.readAnswer(4294967295), null);
      assert.equal(await app.mockContext().service.live.read(4294967295), null);
    });
  });
});

