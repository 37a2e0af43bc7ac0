import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { MEDIA_CUT } from '../../../../app/common/media_messages';
import { LiveStatus } from '../../../../app/model/live';
import { AdminClient, loggedIn, sendGift } from '../../../admin_support';
import { cheapestGift, openLive, userWithCoins } from '../../../socket_support';

describe('test/app/controller/admin/live.test.ts', () => {
  let client: AdminClient;

  before(async () => {
    ({ client } = await loggedIn());
  });

  afterEach(() => mm.restore());

  // What the workers send the agent (the media server runs there).
  function agentMessages() {
    const sent: Array<[ string, unknown ]> = [];
    // Only the media server's messages: schedules and other services talk to the agent meanwhile.
    mm(app.messenger, 'sendToAgent', (action: string, data: unknown) => {
      if (action.startsWith('media-')) sent.push([ action, data ]);
    });
    return sent;
  }

  describe('GET /admin/live', () => {
    it('lists rooms in tabs by status, with owner, look_count and coins', async () => {
      const paused = await openLive(LiveStatus.Paused);
      const ended = await openLive(LiveStatus.Ended);
      const all = await client.get('/admin/live');
      assert.equal(all.status, 200);
      for (const tab of [ '全部', '直播中', '未开播', '暂停', '已结束' ]) assert(all.text.includes(`>${tab}</a>`), tab);
      assert(all.text.includes(paused.owner.username) && all.text.includes(ended.owner.username));
      const tab = await client.get('/admin/live?status=2&limit=100');
      assert(tab.text.includes(`href="/admin/live/${paused.live.id}"`));
      assert(!tab.text.includes(`href="/admin/live/${ended.live.id}"`));
      assert((await client.get('/admin/live?status=9')).status, '200');
    });

    it('sends a visitor without a session to the login page', async () => {
      assert.equal((await new AdminClient().get('/admin/live')).headers.location, '/admin/login');
    });
  });

  describe('GET /admin/live/:id', () => {
    it('shows the room with its gifts and danmaku, paged', async () => {
      const gift = await cheapestGift();
      const { live } = await openLive();
      const sender = await userWithCoins(gift.coin * 2);
      await sendGift({ id: sender.id, username: sender.username }, live.id, gift.id);
      await sendGift({ id: sender.id, username: sender.username }, live.id, gift.id);
      await app.mockContext().service.comment.send(sender.id, live.id, '<b>第一条弹幕</b>');
      const res = await client.get(`/admin/live/${live.id}?gpage=2&limit=1`);
      assert.equal(res.status, 200);
      assert(res.text.includes('&lt;b&gt;第一条弹幕&lt;/b&gt;'), 'danmaku escaped');
      assert(res.text.includes(gift.name));
      assert.match(res.text, /共 2 条 · 第 2 \/ 2 页/);
      assert(res.text.includes('在线观众（0）'));
    });

    it('answers an unknown room with a toast on the list', async () => {
      const { toast, page } = await client.follow(await client.get('/admin/live/999999999'));
      assert.deepEqual(toast, { type: 'danger', msg: '该直播间不存在' });
      assert.equal(page.status, 200);
    });
  });

  describe('POST /admin/live/close/:id', () => {
    it('ends the room as the owner\'s stop does: status 3 and the media server told to cut it', async () => {
      const { live } = await openLive();
      const sent = agentMessages();
      await client.get(`/admin/live/${live.id}`);
      const { toast } = await client.follow(await client.post(`/admin/live/close/${live.id}`));
      assert.deepEqual(toast, { type: 'success', msg: '操作成功' });
      assert.equal((await app.model.Live.findByPk(live.id))!.status, LiveStatus.Ended);
      assert.deepEqual(sent, [[ MEDIA_CUT, { key: live.key, id: live.id }]]);
      // The public answers follow at once.
      const read = await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200);
      assert.equal(read.body.data.data.status, LiveStatus.Ended);
    });

    it('refuses an ended room, and a missing CSRF token', async () => {
      const { live } = await openLive(LiveStatus.Ended);
      await client.get(`/admin/live/${live.id}`);
      const { toast } = await client.follow(await client.post(`/admin/live/close/${live.id}`));
      assert.deepEqual(toast, { type: 'danger', msg: '该直播间已结束' });
      const open = await openLive();
      assert.equal((await client.post(`/admin/live/close/${open.live.id}`, {}, { csrf: false })).status, 403);
      assert.equal((await app.model.Live.findByPk(open.live.id))!.status, LiveStatus.Live);
    });
  });

  describe('POST /admin/live/delete/:id', () => {
    it('deletes a room that never received a gift, cutting it when still open', async () => {
      const { live, owner } = await openLive();
      await app.mockContext().service.comment.send(owner.id, live.id, 'hello');
      const sent = agentMessages();
      await client.get('/admin/live');
      const { toast } = await client.follow(await client.post(`/admin/live/delete/${live.id}`));
      assert.deepEqual(toast, { type: 'success', msg: '删除成功' });
      assert.equal(await app.model.Live.count({ where: { id: live.id } }), 0);
      assert.deepEqual(sent, [[ MEDIA_CUT, { key: live.key, id: live.id }]]);
    });

    it('refuses a room that received gifts', async () => {
      const gift = await cheapestGift();
      const { live } = await openLive();
      const sender = await userWithCoins(gift.coin);
      await sendGift({ id: sender.id, username: sender.username }, live.id, gift.id);
      await client.get('/admin/live');
      const { toast } = await client.follow(await client.post(`/admin/live/delete/${live.id}`));
      assert.deepEqual(toast, { type: 'danger', msg: '该直播间收到过礼物，不能删除' });
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
    });
  });
});
