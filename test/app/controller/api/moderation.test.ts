import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { registerAndLogin } from '../../../support';
import { openLive } from '../../../socket_support';

type Login = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/controller/api/moderation.test.ts', () => {
  afterEach(() => mm.restore());

  function post(path: string, body: object, token?: string) {
    const req = app.httpRequest().post(`/api/live/${path}`);
    if (token) req.set('token', token);
    return req.send(body);
  }

  const listed = (user: Login) => ({ id: user.id, username: user.username, nickname: '', avatar: '' });

  describe('POST /api/live/moderator', () => {
    it('lets the owner appoint (on by default) and remove moderators, listed by read at once', async () => {
      const { owner, live } = await openLive();
      const first = await registerAndLogin();
      const second = await registerAndLogin();
      // Cached before the change: the change drops it.
      assert.deepEqual((await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200)).body.data.data.moderators, []);
      let res = await post('moderator', { live_id: live.id, user_id: first.id }, owner.token).expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: [ listed(first) ] });
      res = await post('moderator', { live_id: String(live.id), user_id: String(second.id), on: 'true' }, owner.token).expect(200);
      assert.deepEqual(res.body.data, [ listed(first), listed(second) ]);
      res = await post('moderator', { live_id: live.id, user_id: first.id, on: false }, owner.token).expect(200);
      assert.deepEqual(res.body.data, [ listed(second) ]);
      const read = await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200);
      assert.deepEqual(read.body.data.data.moderators, [ listed(second) ]);
      // The existing fields are all still there.
      assert.equal(read.body.data.data.user.id, owner.id);
      assert.equal(typeof read.body.data.sign, 'string');
    });

    it('refuses anyone but the owner, and bad fields', async () => {
      const { owner, live } = await openLive();
      const stranger = await registerAndLogin();
      let res = await post('moderator', { live_id: live.id, user_id: stranger.id }).expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
      res = await post('moderator', { live_id: live.id, user_id: stranger.id }, stranger.token).expect(403);
      assert.deepEqual(res.body, { msg: 'fail', data: '只有主播可以任命房管' });
      res = await post('moderator', { live_id: live.id, user_id: 0 }, owner.token).expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户ID不能小于 1' });
      res = await post('moderator', { live_id: live.id, user_id: stranger.id, on: 'maybe' }, owner.token).expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '开关必须是布尔值' });
      res = await post('moderator', { live_id: 4294967295, user_id: stranger.id }, owner.token).expect(404);
      assert.deepEqual(res.body, { msg: 'fail', data: '直播间不存在' });
      assert.equal(await app.model.LiveModerator.count({ where: { live_id: live.id } }), 0);
    });
  });

  describe('POST /api/live/mute and /api/live/kick', () => {
    it('mute and kick for the time asked, by the owner or a moderator, recorded', async () => {
      const { owner, live } = await openLive();
      const moderator = await registerAndLogin();
      const viewer = await registerAndLogin();
      await post('moderator', { live_id: live.id, user_id: moderator.id }, owner.token).expect(200);
      let res = await post('mute', { live_id: live.id, user_id: viewer.id, seconds: 90, reason: '刷屏' }, moderator.token).expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: 'ok' });
      res = await post('kick', { live_id: live.id, user_id: viewer.id, seconds: '45' }, owner.token).expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: 'ok' });
      const service = app.mockContext().service.moderation;
      assert(await service.muteLeft(live.id, viewer.id) > 80);
      assert(await service.kickLeft(live.id, viewer.id) > 40);
      const rows = await app.model.Moderation.findAll({ where: { live_id: live.id }, order: [[ 'id', 'ASC' ]] });
      assert.deepEqual(rows.map(row => [ row.actor_id, row.action, row.reason ]), [[ moderator.id, 'mute', '刷屏' ], [ owner.id, 'kick', '' ]]);
    });

    it('refuses the not logged in, strangers, an owner in someone else\'s room, a moderator acting on the owner, and bad seconds', async () => {
      const { owner, live } = await openLive();
      const other = await openLive();
      const moderator = await registerAndLogin();
      const viewer = await registerAndLogin();
      await post('moderator', { live_id: live.id, user_id: moderator.id }, owner.token).expect(200);
      const body = { live_id: live.id, user_id: viewer.id, seconds: 60 };
      for (const path of [ 'mute', 'kick' ]) {
        let res = await post(path, body).expect(401);
        assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
        res = await post(path, body, viewer.token).expect(403);
        assert.deepEqual(res.body, { msg: 'fail', data: '你不是该直播间的主播或房管' });
        res = await post(path, { ...body, user_id: owner.id }, owner.token).expect(400);
        assert.deepEqual(res.body, { msg: 'fail', data: '不能对自己操作' });
        res = await post(path, body, other.owner.token).expect(403);
        assert.deepEqual(res.body, { msg: 'fail', data: '你不是该直播间的主播或房管' });
        res = await post(path, { ...body, user_id: owner.id }, moderator.token).expect(403);
        assert.deepEqual(res.body, { msg: 'fail', data: '不能对主播操作' });
        res = await post(path, { ...body, seconds: 0 }, owner.token).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '时长不能小于 1' });
        res = await post(path, { ...body, seconds: 2592001 }, owner.token).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '时长不能大于 2592000' });
        res = await post(path, { ...body, seconds: '10s' }, owner.token).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '时长必须是整数' });
        res = await post(path, { ...body, reason: 'x'.repeat(201) }, owner.token).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '原因长度不能超过 200' });
        res = await post(path, { ...body, user_id: 4294967295 }, owner.token).expect(404);
        assert.deepEqual(res.body, { msg: 'fail', data: '该用户不存在' });
      }
      assert.equal(await app.model.Moderation.count({ where: { live_id: live.id } }), 0);
    });
  });

  describe('POST /api/live/hidecomment', () => {
    it('hides a danmaku of the room; refuses one of another room, an unknown one and strangers', async () => {
      const { owner, live } = await openLive();
      const other = await openLive();
      const viewer = await registerAndLogin();
      const ctx = app.mockContext();
      const id = await ctx.service.comment.send(viewer.id, live.id, 'hide me');
      const elsewhere = await ctx.service.comment.send(viewer.id, other.live.id, 'not here');
      await post('hidecomment', { live_id: live.id, comment_id: id }).expect(401);
      let res = await post('hidecomment', { live_id: live.id, comment_id: id }, viewer.token).expect(403);
      assert.deepEqual(res.body, { msg: 'fail', data: '你不是该直播间的主播或房管' });
      res = await post('hidecomment', { live_id: live.id, comment_id: elsewhere }, owner.token).expect(404);
      assert.deepEqual(res.body, { msg: 'fail', data: '该弹幕不存在' });
      res = await post('hidecomment', { live_id: live.id, comment_id: 'abc' }, owner.token).expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '弹幕ID必须是整数' });
      assert.equal((await app.model.Comment.findByPk(id))!.hidden, false);
      res = await post('hidecomment', { live_id: live.id, comment_id: id }, owner.token).expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: 'ok' });
      assert.equal((await app.model.Comment.findByPk(id))!.hidden, true);
    });
  });
});
