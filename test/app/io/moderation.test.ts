import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { Actor, COMMENT_HIDDEN } from '../../../app/common/moderation';
import { until } from '../../lib/until';
import { registerAndLogin } from '../../support';
import {
  cheapestGift, Client, connect, errorsOf, ok, openLive, record, refusal, snapshot, userWithCoins, useSocketTests,
} from '../../socket_support';

const MUTED = /^你已被禁言，还剩 \d+ 秒$/;
const MANAGER: Actor = { kind: 'manager', id: 1 };

// The moderation events (app/io/controller/nsp.ts: mute, kick, hideComment) and what they do to other sockets.
describe('test/app/io/moderation.test.ts', () => {
  const socketApp = useSocketTests();
  let cheapest: Awaited<ReturnType<typeof cheapestGift>>;
  before(async () => {
    cheapest = await cheapestGift();
  });

  // A live room whose owner has a socket, and a viewer with coins joined from a socket of their own.
  async function room() {
    const { owner, live } = await openLive();
    const ownerSocket = await connect(socketApp.url, { token: owner.token });
    const viewer = await userWithCoins(cheapest.coin * 2);
    const viewerSocket = await connect(socketApp.url, { token: viewer.token });
    await ok(viewerSocket, 'joinLive', { live_id: live.id });
    return { owner, live, ownerSocket, viewer, viewerSocket };
  }

  const inRoom = async (liveId: number) => (await snapshot(liveId)).data.map(user => user.id);

  describe('mute', () => {
    it('refuses the muted user\'s danmaku and gifts in that room with the time left, and nobody else\'s', async () => {
      const { owner, live, ownerSocket, viewer, viewerSocket } = await room();
      const other = await openLive();
      await ok(ownerSocket, 'mute', { live_id: live.id, user_id: viewer.id, seconds: 120, token: owner.token });
      const comment = await refusal(viewerSocket, 'comment', { live_id: live.id, data: 'hello' });
      assert.match(comment, MUTED);
      const left = Number(/(\d+)/.exec(comment)![1]);
      assert(left > 100 && left <= 120, comment);
      assert.match(await refusal(viewerSocket, 'gift', { live_id: live.id, gift_id: cheapest.id }), MUTED);
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id, user_id: viewer.id } }), 0);
      assert.equal((await app.model.User.findByPk(viewer.id))!.coin, cheapest.coin * 2);
      // Elsewhere, and for the owner, nothing changes.
      await ok(viewerSocket, 'comment', { live_id: other.live.id, data: 'hello there' });
      await ok(ownerSocket, 'comment', { live_id: live.id, data: 'owner speaks' });
      const [ row ] = await app.model.Moderation.findAll({ where: { live_id: live.id } });
      assert.deepEqual([ row.actor_kind, row.actor_id, row.user_id, row.action ], [ 'user', owner.id, viewer.id, 'mute' ]);
    });

    it('refuses anyone not logged in, a moderator of another room, an owner in someone else\'s room and a moderator muting the owner', async () => {
      const { owner, live, viewer, viewerSocket } = await room();
      const other = await room();
      await app.mockContext().service.moderation.setModerator({ kind: 'user', id: other.owner.id }, other.live.id, viewer.id, true);
      const payload = { live_id: live.id, user_id: viewer.id, seconds: 60 };
      const anonymous = await connect(socketApp.url);
      assert.equal(await refusal(anonymous, 'mute', payload), '您没有权限访问该接口!');
      // viewer moderates the other room, not this one.
      assert.equal(await refusal(viewerSocket, 'mute', { ...payload, user_id: owner.id }), '你不是该直播间的主播或房管');
      assert.equal(await refusal(other.ownerSocket, 'mute', payload), '你不是该直播间的主播或房管');
      assert.equal(await refusal(viewerSocket, 'mute', { ...payload, live_id: other.live.id, user_id: other.owner.id }), '不能对主播操作');
      assert.equal(await app.model.Moderation.count({ where: { live_id: [ live.id, other.live.id ] } }), 0);
    });

    it('validates its fields: seconds 1 to 30 days, ids positive integers, an existing user', async () => {
      const { owner, live, ownerSocket, viewer } = await room();
      const base = { live_id: live.id, user_id: viewer.id, seconds: 60, token: owner.token };
      assert.equal(await refusal(ownerSocket, 'mute', { ...base, seconds: 0 }), '时长不能小于 1');
      assert.equal(await refusal(ownerSocket, 'mute', { ...base, seconds: 2592001 }), '时长不能大于 2592000');
      assert.equal(await refusal(ownerSocket, 'mute', { ...base, seconds: 1.5 }), '时长必须是整数');
      assert.equal(await refusal(ownerSocket, 'mute', { ...base, seconds: undefined }), '时长不能为空');
      assert.equal(await refusal(ownerSocket, 'kick', { ...base, user_id: -1 }), '用户ID不能小于 1');
      assert.equal(await refusal(ownerSocket, 'kick', { ...base, live_id: 'x' }), '直播间ID必须是整数');
      assert.equal(await refusal(ownerSocket, 'kick', { ...base, user_id: 4294967295 }), '该用户不存在');
      assert.equal(await refusal(ownerSocket, 'hideComment', { live_id: live.id, comment_id: 0, token: owner.token }), '弹幕ID不能小于 1');
      assert.equal(await app.model.Moderation.count({ where: { live_id: live.id } }), 0);
    });
  });

  describe('kick', () => {
    it('takes the user\'s sockets out of the room and its online list at once, tells them, and refuses their join for the time', async () => {
      const { owner, live, ownerSocket, viewer, viewerSocket } = await room();
      const moderator = await registerAndLogin();
      await app.mockContext().service.moderation.setModerator({ kind: 'user', id: owner.id }, live.id, moderator.id, true);
      const modSocket = await connect(socketApp.url, { token: moderator.token });
      await ok(modSocket, 'joinLive', { live_id: live.id });
      // The viewer's second tab, and the same user in another room.
      const secondTab = await connect(socketApp.url, { token: viewer.token });
      await ok(secondTab, 'joinLive', { live_id: live.id });
      const other = await openLive();
      await ok(secondTab, 'joinLive', { live_id: other.live.id });
      assert.deepEqual((await inRoom(live.id)).sort(), [ viewer.id, moderator.id ].sort());

      await ok(modSocket, 'kick', { live_id: live.id, user_id: viewer.id, seconds: 300 });
      for (const socket of [ viewerSocket, secondTab ]) {
        await until('the kick notice', () => errorsOf(socket).some(error => /^你已被移出直播间，300 秒内不能再进入$/.test(error)));
      }
      await until('the viewer to leave the online list', async () => !(await inRoom(live.id)).includes(viewer.id));
      assert.deepEqual(await inRoom(other.live.id), [ viewer.id ]);
      // The room's events no longer reach them.
      const seen = record(viewerSocket, 'comment');
      const modSeen = record(modSocket, 'comment');
      await ok(ownerSocket, 'comment', { live_id: live.id, data: 'after the kick' });
      await until('the moderator to hear it', () => modSeen.length === 1);
      assert.equal(seen.length, 0);
      assert.match(await refusal(viewerSocket, 'joinLive', { live_id: live.id }), /^你已被移出该直播间，还剩 \d+ 秒才能再进入$/);
      assert(!(await inRoom(live.id)).includes(viewer.id));
      const left = await app.mockContext().service.moderation.kickLeft(live.id, viewer.id);
      assert(left > 290 && left <= 300, `left ${left}`);
      // A moderator cannot kick the owner.
      assert.equal(await refusal(modSocket, 'kick', { live_id: live.id, user_id: owner.id, seconds: 60 }), '不能对主播操作');
    });
  });

  describe('hideComment', () => {
    it('stores the danmaku as hidden and tells the room commentHidden {id}', async () => {
      const { owner, live, ownerSocket, viewerSocket } = await room();
      const watcher = await registerAndLogin();
      const watcherSocket = await connect(socketApp.url, { token: watcher.token });
      await ok(watcherSocket, 'joinLive', { live_id: live.id });
      const comments = record<{ id: number }>(watcherSocket, 'comment');
      const hidden = record<{ id: number }>(watcherSocket, COMMENT_HIDDEN);
      await ok(viewerSocket, 'comment', { live_id: live.id, data: 'something rude' });
      await until('the danmaku', () => comments.length === 1);
      const { id } = comments[0];
      await ok(ownerSocket, 'hideComment', { live_id: live.id, comment_id: id, token: owner.token });
      await until('the commentHidden event', () => hidden.length === 1);
      assert.deepEqual(hidden, [{ id }]);
      assert.equal((await app.model.Comment.findByPk(id))!.hidden, true);
      // A danmaku of another room, or none at all.
      const other = await room();
      await ok(other.viewerSocket, 'comment', { live_id: other.live.id, data: 'elsewhere' });
      const [ elsewhere ] = await app.model.Comment.findAll({ where: { live_id: other.live.id } });
      assert.equal(await refusal(ownerSocket, 'hideComment', { live_id: live.id, comment_id: elsewhere.id }), '该弹幕不存在');
      assert.equal(await refusal(ownerSocket, 'hideComment', { live_id: live.id, comment_id: 9007199254740991 }), '该弹幕不存在');
      assert.equal(await refusal(viewerSocket, 'hideComment', { live_id: live.id, comment_id: id }), '你不是该直播间的主播或房管');
    });
  });

  describe('ban', () => {
    it('cuts every socket of the user at once, unlists them, and refuses their token', async () => {
      const { live, viewer, viewerSocket } = await room();
      const bystander = await registerAndLogin();
      const bystanderSocket = await connect(socketApp.url, { token: bystander.token });
      await ok(bystanderSocket, 'joinLive', { live_id: live.id });
      const idle: Client = await connect(socketApp.url, { token: viewer.token });
      await app.mockContext().service.moderation.ban(MANAGER, viewer.id, 'spam');
      for (const socket of [ viewerSocket, idle ]) {
        await until('the socket to be cut', () => socket.disconnected);
        assert(errorsOf(socket).includes('你的账号已被禁用'));
      }
      await until('the viewer to leave the online list', async () => !(await inRoom(live.id)).includes(viewer.id));
      assert(bystanderSocket.connected);
      // A new connection with the old token holds no user.
      const again = await connect(socketApp.url);
      assert.equal(await refusal(again, 'joinLive', { live_id: live.id, token: viewer.token }), 'Token 令牌不合法!');
    });
  });
});
