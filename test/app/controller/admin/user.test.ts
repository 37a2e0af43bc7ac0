import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { AdminClient, createManager, loggedIn, sendGift } from '../../../admin_support';
import { cheapestGift, openLive, userWithCoins } from '../../../socket_support';
import { registerAndLogin, uniqueName } from '../../../support';

describe('test/app/controller/admin/user.test.ts', () => {
  let client: AdminClient;
  let me: Awaited<ReturnType<typeof createManager>>;

  before(async () => {
    ({ client, manager: me } = await loggedIn());
  });

  const coinOf = async (id: number) => (await app.model.User.findByPk(id))!.coin;
  const logsOf = (id: number) => app.model.CoinLog.findAll({ where: { user_id: id }, order: [[ 'id', 'ASC' ]] });

  describe('GET /admin/user', () => {
    it('lists users, searched by name, paged', async () => {
      const user = await registerAndLogin();
      const res = await client.get(`/admin/user?q=${user.username}`);
      assert.equal(res.status, 200);
      assert(res.text.includes(user.username));
      assert.match(res.text, /共 1 条/);
      const paged = await client.get('/admin/user?limit=1&page=2');
      assert.equal(paged.status, 200);
      assert.match(paged.text, /第 2 \/ \d+ 页/);
    });

    it('takes a search with LIKE wildcards as text, and a bad page as the first', async () => {
      const res = await client.get('/admin/user?q=%25_%25&page=-3&limit=abc');
      assert.equal(res.status, 200);
      assert.match(res.text, /共 0 条/);
    });

    it('sends a visitor without a session to the login page', async () => {
      assert.equal((await new AdminClient().get('/admin/user')).headers.location, '/admin/login');
    });
  });

  describe('POST /admin/user, POST /admin/user/:id', () => {
    it('creates a user who can log in, then edits the nickname and avatar', async () => {
      const username = uniqueName();
      await client.get('/admin/user/create');
      const created = await client.follow(await client.post('/admin/user', { username, password: 'user-password', nickname: '小明', avatar: '' }));
      assert.deepEqual(created.toast, { type: 'success', msg: '新增成功' });
      const user = (await app.model.User.findOne({ where: { username } }))!;
      assert.equal(user.nickname, '小明');
      await app.httpRequest().post('/api/login').send({ username, password: 'user-password' })
        .expect(200);
      await client.get(`/admin/user/edit/${user.id}`);
      const avatar = '/public/uploads/2026/12/02/0123456789abcdef0123456789abcdef.png';
      const edited = await client.follow(await client.post(`/admin/user/${user.id}`, { nickname: '小红', avatar }));
      assert.deepEqual(edited.toast, { type: 'success', msg: '修改成功' });
      await user.reload();
      assert.deepEqual([ user.nickname, user.avatar ], [ '小红', avatar ]);
    });

    it('refuses an avatar that is not an image of the app, a nickname too long, and a missing CSRF token', async () => {
      const user = await registerAndLogin();
      await client.get(`/admin/user/edit/${user.id}`);
      const link = await client.follow(await client.post(`/admin/user/${user.id}`, { nickname: 'x', avatar: 'data:image/png;base64,AAAA' }));
      assert.deepEqual(link.toast, { type: 'danger', msg: '头像请上传图片' });
      const long = await client.follow(await client.post(`/admin/user/${user.id}`, { nickname: 'x'.repeat(31), avatar: '' }));
      assert.equal(long.toast?.type, 'danger');
      assert.equal((await client.post(`/admin/user/${user.id}`, { nickname: 'y' }, { csrf: false })).status, 403);
      assert.equal((await app.model.User.findByPk(user.id))!.nickname, '');
    });
  });

  describe('POST /admin/user/coin/:id', () => {
    it('adds and removes coins with a reason, each with a coin_log row naming the manager', async () => {
      const user = await userWithCoins(5);
      await client.get(`/admin/user/edit/${user.id}`);
      const added = await client.follow(await client.post(`/admin/user/coin/${user.id}`, { amount: 100, reason: '活动奖励' }));
      assert.deepEqual(added.toast, { type: 'success', msg: '操作成功' });
      await client.post(`/admin/user/coin/${user.id}`, { amount: -30, reason: '误充扣回' });
      assert.equal(await coinOf(user.id), 75);
      const logs = (await logsOf(user.id)).map(log => [ log.coin, log.kind, log.manager_id, log.note ]);
      assert.deepEqual(logs, [[ 100, 'adjust', me.id, '活动奖励' ], [ -30, 'adjust', me.id, '误充扣回' ]]);
      assert(added.page.text.includes('活动奖励'), 'the edit page lists the coin_log rows');
    });

    it('refuses a removal below 0, and changes nothing', async () => {
      const user = await userWithCoins(10);
      await client.get(`/admin/user/edit/${user.id}`);
      const { toast } = await client.follow(await client.post(`/admin/user/coin/${user.id}`, { amount: -11, reason: '扣除' }));
      assert.deepEqual(toast, { type: 'danger', msg: '金币不足，调整后余额不能小于 0' });
      assert.equal(await coinOf(user.id), 10);
      assert.equal((await logsOf(user.id)).length, 0);
    });

    it('refuses 0, a non-integer, a missing reason, an unknown user and a missing CSRF token, with no 5xx', async () => {
      const user = await userWithCoins(10);
      await client.get(`/admin/user/edit/${user.id}`);
      const forms: Array<Record<string, string | number>> = [{ amount: 0, reason: 'r' }, { amount: '1.5', reason: 'r' }, { amount: 'abc', reason: 'r' }, { amount: 5 }, { amount: 5, reason: '   ' }, { amount: '1e9', reason: 'r' }];
      for (const form of forms) {
        const { toast } = await client.follow(await client.post(`/admin/user/coin/${user.id}`, form));
        assert.equal(toast?.type, 'danger', JSON.stringify(form));
      }
      const unknown = await client.follow(await client.post('/admin/user/coin/999999999', { amount: 5, reason: 'r' }));
      assert.deepEqual(unknown.toast, { type: 'danger', msg: '该用户不存在' });
      assert.equal((await client.post(`/admin/user/coin/${user.id}`, { amount: 5, reason: 'r' }, { csrf: false })).status, 403);
      assert.equal(await coinOf(user.id), 10);
      assert.equal((await logsOf(user.id)).length, 0);
    });
  });

  describe('POST /admin/user/delete/:id', () => {
    it('deletes a user without any record of money, and revokes their token', async () => {
      const user = await registerAndLogin();
      await client.get('/admin/user');
      const { toast } = await client.follow(await client.post(`/admin/user/delete/${user.id}`));
      assert.deepEqual(toast, { type: 'success', msg: '删除成功' });
      assert.equal(await app.model.User.count({ where: { id: user.id } }), 0);
      await app.httpRequest().get('/api/user/info').set('token', user.token)
        .expect(401);
    });

    it('refuses a user with coins, with coin_log rows, with orders, who sent a gift, or whose room received one', async () => {
      const gift = await cheapestGift();
      const rich = await userWithCoins(1);
      const logged = await registerAndLogin();
      await app.mockContext().service.coin.adjust(me.id, logged.id, 5, 'r');
      await app.mockContext().service.coin.adjust(me.id, logged.id, -5, 'r');
      const buyer = await registerAndLogin();
      await app.model.Order.create({ no: uniqueName('o'), user_id: buyer.id, price: 1, amount: 100, coin: 10 });
      const sender = await userWithCoins(gift.coin);
      const { owner, live } = await openLive();
      await sendGift({ id: sender.id, username: sender.username }, live.id, gift.id);
      const cases: Array<[ number, string ]> = [
        [ rich.id, '该用户还有金币，不能删除' ],
        [ logged.id, '该用户有礼物、订单或金币记录，不能删除' ],
        [ buyer.id, '该用户有礼物、订单或金币记录，不能删除' ],
        [ sender.id, '该用户有礼物、订单或金币记录，不能删除' ],
        [ owner.id, '该用户的直播间收到过礼物，不能删除' ],
      ];
      await client.get('/admin/user');
      for (const [ id, message ] of cases) {
        const { toast } = await client.follow(await client.post(`/admin/user/delete/${id}`));
        assert.deepEqual(toast, { type: 'danger', msg: message });
        assert.equal(await app.model.User.count({ where: { id } }), 1);
      }
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
    });
  });
});
