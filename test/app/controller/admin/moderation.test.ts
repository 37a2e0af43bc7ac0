import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { UserStatus } from '../../../../app/common/moderation';
import { AdminClient, createManager, loggedIn } from '../../../admin_support';
import { openLive } from '../../../socket_support';
import { registerAndLogin, uniqueName } from '../../../support';

describe('test/app/controller/admin/moderation.test.ts', () => {
  let client: AdminClient;
  let me: Awaited<ReturnType<typeof createManager>>;

  before(async () => {
    ({ client, manager: me } = await loggedIn());
  });

  const recordsOf = (userId: number) => app.model.Moderation.findAll({ where: { user_id: userId }, order: [[ 'id', 'ASC' ]] });

  describe('POST /admin/live/mute/:id, /admin/live/kick/:id', () => {
    it('mutes and kicks a user in a room for the chosen time, recorded with the manager', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      await client.get(`/admin/live/${live.id}`);
      const muted = await client.follow(await client.post(`/admin/live/mute/${live.id}`, { user_id: viewer.id, seconds: 600, reason: '刷屏' }));
      assert.deepEqual(muted.toast, { type: 'success', msg: '操作成功' });
      assert.equal(muted.page.status, 200);
      await client.post(`/admin/live/kick/${live.id}`, { user_id: viewer.id, seconds: 60 });
      const ctx = app.mockContext();
      assert(await ctx.service.moderation.muteLeft(live.id, viewer.id) > 590);
      assert(await ctx.service.moderation.kickLeft(live.id, viewer.id) > 50);
      const records = (await recordsOf(viewer.id)).map(row => [ row.action, row.actor_kind, row.actor_id, row.live_id, row.reason ]);
      assert.deepEqual(records, [[ 'mute', 'manager', me.id, live.id, '刷屏' ], [ 'kick', 'manager', me.id, live.id, '' ]]);
    });

    it('refuses a bad user id or time and a missing CSRF token, with a toast and nothing stored', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      await client.get(`/admin/live/${live.id}`);
      for (const form of [{ user_id: 'x', seconds: 60 }, { user_id: viewer.id, seconds: 0 }, { user_id: viewer.id, seconds: 'long' }, { user_id: 999999999, seconds: 60 }]) {
        const { toast } = await client.follow(await client.post(`/admin/live/mute/${live.id}`, form));
        assert.equal(toast?.type, 'danger', JSON.stringify(form));
      }
      assert.equal((await client.post(`/admin/live/kick/${live.id}`, { user_id: viewer.id, seconds: 60 }, { csrf: false })).status, 403);
      assert.equal((await recordsOf(viewer.id)).length, 0);
    });
  });

  describe('POST /admin/live/hidecomment/:id', () => {
    it('hides a danmaku: stored as hidden, marked on the room page', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const id = await app.mockContext().service.comment.send(viewer.id, live.id, '要隐藏的弹幕');
      await client.get(`/admin/live/${live.id}`);
      const { toast, page } = await client.follow(await client.post(`/admin/live/hidecomment/${live.id}`, { comment_id: id }));
      assert.deepEqual(toast, { type: 'success', msg: '操作成功' });
      assert((await app.model.Comment.findByPk(id))!.hidden);
      assert(page.text.includes('（已隐藏）'));
      const other = await openLive();
      const wrongRoom = await client.follow(await client.post(`/admin/live/hidecomment/${other.live.id}`, { comment_id: id }));
      assert.deepEqual(wrongRoom.toast, { type: 'danger', msg: '该弹幕不存在' });
    });
  });

  describe('POST /admin/user/ban/:id, /admin/user/unban/:id', () => {
    it('bans a user (login refused, token revoked) and unbans them', async () => {
      const user = await registerAndLogin('ban-me-pass');
      await client.get('/admin/user');
      const banned = await client.follow(await client.post(`/admin/user/ban/${user.id}`, { reason: '违规' }));
      assert.deepEqual(banned.toast, { type: 'success', msg: '操作成功' });
      assert.equal((await app.model.User.findByPk(user.id))!.status, UserStatus.Banned);
      await app.httpRequest().get('/api/user/info').set('token', user.token)
        .expect(401);
      const login = await app.httpRequest().post('/api/login').send({ username: user.username, password: 'ban-me-pass' });
      assert.equal(login.body.data, '用户不存在或已被禁用');
      const again = await client.follow(await client.post(`/admin/user/ban/${user.id}`, {}));
      assert.deepEqual(again.toast, { type: 'danger', msg: '该用户已被禁用' });
      await client.post(`/admin/user/unban/${user.id}`);
      await app.httpRequest().post('/api/login').send({ username: user.username, password: 'ban-me-pass' })
        .expect(200);
      assert.deepEqual((await recordsOf(user.id)).map(row => row.action), [ 'ban', 'unban' ]);
      assert.equal((await client.post(`/admin/user/ban/${user.id}`, {}, { csrf: false })).status, 403);
    });
  });

  describe('GET /admin/word, POST /admin/word, POST /admin/word/delete/:id', () => {
    it('adds a word that danmaku are then refused for, refuses it twice, and removes it', async () => {
      const word = uniqueName('w');
      await client.get('/admin/word');
      const added = await client.follow(await client.post('/admin/word', { word }));
      assert.deepEqual(added.toast, { type: 'success', msg: '新增成功' });
      assert(added.page.text.includes(word));
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      await assert.rejects(app.mockContext().service.comment.send(viewer.id, live.id, `含有${word}的弹幕`), /违禁词/);
      const twice = await client.follow(await client.post('/admin/word', { word }));
      assert.deepEqual(twice.toast, { type: 'danger', msg: '该违禁词已存在' });
      const empty = await client.follow(await client.post('/admin/word', { word: '  ' }));
      assert.equal(empty.toast?.type, 'danger');
      const row = (await app.model.Word.findOne({ where: { word } }))!;
      const removed = await client.follow(await client.post(`/admin/word/delete/${row.id}`));
      assert.deepEqual(removed.toast, { type: 'success', msg: '删除成功' });
      await app.mockContext().service.comment.send(viewer.id, live.id, `含有${word}的弹幕`);
      assert.equal((await new AdminClient().get('/admin/word')).headers.location, '/admin/login');
    });
  });

  describe('GET /admin/moderation', () => {
    it('lists every action, filtered by user or room, paged', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      await app.mockContext().service.moderation.mute({ kind: 'manager', id: me.id }, live.id, viewer.id, 120, '测试原因');
      const res = await client.get(`/admin/moderation?user=${viewer.id}`);
      assert.equal(res.status, 200);
      assert(res.text.includes('测试原因') && res.text.includes(viewer.username) && res.text.includes(`管理员 #${me.id}`));
      assert.match(res.text, /共 1 条/);
      assert.match((await client.get(`/admin/moderation?live=${live.id}&user=abc&page=x`)).text, /共 1 条/);
      assert.equal((await new AdminClient().get('/admin/moderation')).headers.location, '/admin/login');
    });
  });
});
