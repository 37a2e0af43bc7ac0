import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { Actor, MAX_MODERATION_SECONDS, UserStatus } from '../../../app/common/moderation';
import { registerAndLogin } from '../../support';
import { openLive } from '../../socket_support';

const MANAGER: Actor = { kind: 'manager', id: 1 };
const asUser = (user: { id: number }): Actor => ({ kind: 'user', id: user.id });

// A room with its owner, a moderator the owner appointed, and a viewer.
async function room() {
  const { owner, live } = await openLive();
  const moderator = await registerAndLogin();
  const viewer = await registerAndLogin();
  await app.mockContext().service.moderation.setModerator(asUser(owner), live.id, moderator.id, true);
  return { owner, live, moderator, viewer };
}

describe('test/app/service/moderation.test.ts', () => {
  describe('who may act', () => {
    it('lets a manager, the owner and a moderator mute a viewer, and records each with its end', async () => {
      const { owner, live, moderator, viewer } = await room();
      const service = app.mockContext().service.moderation;
      for (const actor of [ MANAGER, asUser(owner), asUser(moderator) ]) {
        const { until } = await service.mute(actor, live.id, viewer.id, 60, 'spam');
        assert(until.getTime() > Date.now() + 55000);
      }
      const left = await service.muteLeft(live.id, viewer.id);
      assert(left > 55 && left <= 60, `left ${left}`);
      const { rows, count } = await service.records({ page: 1, limit: 10, liveId: live.id, userId: viewer.id });
      assert.equal(count, 3);
      assert.deepEqual(rows.map(row => [ row.actor_kind, row.actor_id, row.action, row.reason ]), [
        [ 'user', moderator.id, 'mute', 'spam' ],
        [ 'user', owner.id, 'mute', 'spam' ],
        [ 'manager', MANAGER.id, 'mute', 'spam' ],
      ]);
      assert.equal(rows[0].user?.id, viewer.id);
      assert.equal(rows[0].live?.id, live.id);
      assert(rows[0].until instanceof Date);
    });

    it('refuses a plain viewer, an owner in someone else\'s room and a moderator of another room', async () => {
      const { live, viewer } = await room();
      const other = await room();
      const service = app.mockContext().service.moderation;
      const refused = { status: 403, message: '你不是该直播间的主播或房管' };
      const target = await registerAndLogin();
      await assert.rejects(service.mute(asUser(viewer), live.id, target.id, 60), refused);
      await assert.rejects(service.kick(asUser(other.owner), live.id, target.id, 60), refused);
      await assert.rejects(service.mute(asUser(other.moderator), live.id, target.id, 60), refused);
      await assert.rejects(service.hideComment(asUser(other.moderator), live.id, 1), refused);
      assert.equal(await service.muteLeft(live.id, target.id), 0);
      assert.equal(await service.kickLeft(live.id, target.id), 0);
      assert.equal((await service.records({ page: 1, limit: 10, liveId: live.id })).count, 0);
    });

    it('keeps a moderator off the owner and other moderators, and everyone off themself; a manager may act on the owner', async () => {
      const { owner, live, moderator } = await room();
      const second = await registerAndLogin();
      const service = app.mockContext().service.moderation;
      await service.setModerator(MANAGER, live.id, second.id, true);
      await assert.rejects(service.mute(asUser(moderator), live.id, owner.id, 60), { status: 403, message: '不能对主播操作' });
      await assert.rejects(service.kick(asUser(moderator), live.id, second.id, 60), { status: 403, message: '不能对其他房管操作' });
      await assert.rejects(service.mute(asUser(owner), live.id, owner.id, 60), { status: 400, message: '不能对自己操作' });
      await assert.rejects(service.mute(asUser(moderator), live.id, moderator.id, 60), { status: 400, message: '不能对自己操作' });
      // The owner may act on their moderators.
      await service.mute(asUser(owner), live.id, moderator.id, 30);
      await service.mute(MANAGER, live.id, owner.id, 30);
      assert(await service.muteLeft(live.id, owner.id) > 0);
      assert.equal(await service.muteLeft(live.id, second.id), 0);
    });

    it('refuses bad seconds, unknown rooms and unknown users, changing nothing', async () => {
      const { owner, live, viewer } = await room();
      const service = app.mockContext().service.moderation;
      const bad = { status: 422, message: `时长必须是 1 到 ${MAX_MODERATION_SECONDS} 之间的整数（秒）` };
      for (const seconds of [ 0, -5, 1.5, MAX_MODERATION_SECONDS + 1, NaN ]) {
        await assert.rejects(service.mute(asUser(owner), live.id, viewer.id, seconds), bad);
        await assert.rejects(service.kick(asUser(owner), live.id, viewer.id, seconds), bad);
      }
      await assert.rejects(service.mute(asUser(owner), 4294967295, viewer.id, 60), { status: 404, message: '直播间不存在' });
      await assert.rejects(service.mute(asUser(owner), live.id, 4294967295, 60), { status: 404, message: '该用户不存在' });
      await assert.rejects(service.mute(asUser(owner), live.id, viewer.id, 60, 'x'.repeat(201)), { status: 422, message: '原因不能超过 200 个字' });
      assert.equal(await service.muteLeft(live.id, viewer.id), 0);
      assert.equal((await service.records({ page: 1, limit: 10, liveId: live.id })).count, 0);
    });
  });

  describe('moderators', () => {
    it('are appointed and removed by the owner or a manager only, never the owner themself, and listed', async () => {
      const { owner, live, moderator, viewer } = await room();
      const service = app.mockContext().service.moderation;
      const listed = (user: { id: number; username: string }) => ({ id: user.id, username: user.username, nickname: '', avatar: '' });
      assert.deepEqual(await service.moderatorsOf(live.id), [ listed(moderator) ]);
      await assert.rejects(service.setModerator(asUser(moderator), live.id, viewer.id, true), { status: 403, message: '只有主播可以任命房管' });
      await assert.rejects(service.setModerator(asUser(owner), live.id, owner.id, true), { status: 400, message: '主播不能任命自己为房管' });
      await assert.rejects(service.setModerator(asUser(owner), live.id, 4294967295, true), { status: 404, message: '该用户不存在' });
      // Twice is once.
      await service.setModerator(asUser(owner), live.id, viewer.id, true);
      assert.deepEqual(await service.setModerator(asUser(owner), live.id, viewer.id, true), [ listed(moderator), listed(viewer) ]);
      assert.deepEqual(await service.setModerator(MANAGER, live.id, moderator.id, false), [ listed(viewer) ]);
      assert.equal(await service.isModerator(live.id, moderator.id), false);
    });
  });

  describe('unmute', () => {
    it('lifts a mute at once and is recorded', async () => {
      const { owner, live, viewer } = await room();
      const service = app.mockContext().service.moderation;
      await service.mute(asUser(owner), live.id, viewer.id, 600);
      await service.unmute(asUser(owner), live.id, viewer.id);
      assert.equal(await service.muteLeft(live.id, viewer.id), 0);
      const { rows } = await service.records({ page: 1, limit: 10, userId: viewer.id });
      assert.deepEqual(rows.map(row => row.action), [ 'unmute', 'mute' ]);
    });
  });

  describe('hideComment', () => {
    it('hides a danmaku of the room once, and refuses unknown danmaku and danmaku of another room', async () => {
      const { owner, live, moderator, viewer } = await room();
      const other = await room();
      const ctx = app.mockContext();
      const service = ctx.service.moderation;
      const id = await ctx.service.comment.send(viewer.id, live.id, 'bad words');
      const elsewhere = await ctx.service.comment.send(viewer.id, other.live.id, 'elsewhere');
      const ownerSaid = await ctx.service.comment.send(owner.id, live.id, 'the owner');
      await assert.rejects(service.hideComment(asUser(owner), live.id, elsewhere), { status: 404, message: '该弹幕不存在' });
      await assert.rejects(service.hideComment(asUser(owner), live.id, Number.MAX_SAFE_INTEGER), { status: 404, message: '该弹幕不存在' });
      await assert.rejects(service.hideComment(asUser(moderator), live.id, ownerSaid), { status: 403, message: '不能对主播操作' });
      await service.hideComment(asUser(moderator), live.id, id);
      await service.hideComment(asUser(owner), live.id, id);
      assert.equal((await app.model.Comment.findByPk(id))!.hidden, true);
      assert.equal((await app.model.Comment.findByPk(elsewhere))!.hidden, false);
      const { rows } = await service.records({ page: 1, limit: 10, liveId: live.id });
      assert.deepEqual(rows.map(row => [ row.action, row.comment_id, row.user_id ]), [[ 'hide', id, viewer.id ]]);
    });
  });

  describe('ban', () => {
    it('is for managers only; bans once, revokes the token and refuses login; unban lets the user log in again', async () => {
      const { owner } = await room();
      const victim = await registerAndLogin('victim-pass');
      const service = app.mockContext().service.moderation;
      await assert.rejects(service.ban(asUser(owner), victim.id), { status: 403, message: '只有管理员可以禁用用户' });
      await assert.rejects(service.ban(MANAGER, 4294967295), { status: 404, message: '该用户不存在' });
      await service.ban(MANAGER, victim.id, 'fraud');
      await assert.rejects(service.ban(MANAGER, victim.id), { status: 400, message: '该用户已被禁用' });
      assert.equal((await app.model.User.findByPk(victim.id))!.status, UserStatus.Banned);
      await assert.rejects(app.mockContext().service.user.authenticate(victim.token), { status: 401 });
      let res = await app.httpRequest().post('/api/login').send({ username: victim.username, password: 'victim-pass' });
      assert.deepEqual(res.body, { msg: 'fail', data: '用户不存在或已被禁用' });
      await assert.rejects(service.unban(asUser(owner), victim.id), { status: 403, message: '只有管理员可以解禁用户' });
      await service.unban(MANAGER, victim.id);
      await assert.rejects(service.unban(MANAGER, victim.id), { status: 400, message: '该用户未被禁用' });
      res = await app.httpRequest().post('/api/login').send({ username: victim.username, password: 'victim-pass' });
      assert.equal(res.body.msg, 'ok');
      const { rows } = await service.records({ page: 1, limit: 10, userId: victim.id });
      assert.deepEqual(rows.map(row => [ row.action, row.live_id, row.reason ]), [[ 'unban', null, '' ], [ 'ban', null, 'fraud' ]]);
    });

    it('refuses a banned user\'s token even if one was stored after the ban', async () => {
      const victim = await registerAndLogin();
      await app.mockContext().service.moderation.ban(MANAGER, victim.id);
      // A login that passed its checks just before the ban stores its token just after it.
      await app.mockContext().service.cache.set(`user_${victim.id}`, victim.token);
      const res = await app.httpRequest().get('/api/user/info').set('token', victim.token);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户不存在或已被禁用' });
    });
  });
});
