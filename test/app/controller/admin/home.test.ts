import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { AdminClient, createManager, loggedIn, toastOf } from '../../../admin_support';

describe('test/app/controller/admin/home.test.ts', () => {
  afterEach(() => mm.restore());

  describe('GET /admin/login, POST /admin/loginevent, GET /admin/logout', () => {
    it('shows the login form with a CSRF token', async () => {
      const client = new AdminClient();
      const res = await client.get('/admin/login');
      assert.equal(res.status, 200);
      assert.match(res.text, /action="\/admin\/loginevent"/);
      assert(client.csrf);
      assert.doesNotMatch(res.text, /<script>|onclick=/, 'no inline script');
    });

    it('logs a manager in, shows the dashboard, and logs out', async () => {
      const manager = await createManager();
      const client = new AdminClient();
      const res = await client.login(manager.username, manager.password);
      assert.equal(res.headers.location, '/admin');
      const { page, toast } = await client.follow(res);
      assert.equal(page.status, 200);
      assert.deepEqual(toast, { type: 'success', msg: '登录成功' });
      assert.match(page.text, new RegExp(manager.username));
      const out = await client.follow(await client.get('/admin/logout'));
      assert.deepEqual(out.toast, { type: 'success', msg: '退出登录成功' });
      const again = await client.get('/admin');
      assert.equal(again.headers.location, '/admin/login');
    });

    it('refuses a wrong password and an unknown name with the course messages', async () => {
      const manager = await createManager();
      const client = new AdminClient();
      const wrong = await client.follow(await client.login(manager.username, 'not-the-password'));
      assert.deepEqual(wrong.toast, { type: 'danger', msg: '密码错误' });
      const unknown = await client.follow(await client.login('nobody-here', 'whatever-pass'));
      assert.deepEqual(unknown.toast, { type: 'danger', msg: '用户不存在或已被禁用' });
      assert.equal((await client.get('/admin')).headers.location, '/admin/login');
    });

    it('limits failed logins per manager and address as user logins are', async () => {
      mm(app.config.auth.login, 'maxFailures', 2);
      const manager = await createManager();
      const client = new AdminClient();
      for (let i = 0; i < 2; i++) assert.equal((await client.follow(await client.login(manager.username, 'bad-password'))).toast?.msg, '密码错误');
      const limited = await client.follow(await client.login(manager.username, manager.password));
      assert.match(limited.toast?.msg ?? '', /密码错误次数过多/);
      assert.equal((await client.get('/admin')).headers.location, '/admin/login');
    });

    it('refuses a login without the CSRF token (403) and logs nobody in', async () => {
      const manager = await createManager();
      const client = new AdminClient();
      await client.get('/admin/login');
      const res = await client.post('/admin/loginevent', manager, { csrf: false });
      assert.equal(res.status, 403);
      assert.equal((await client.get('/admin')).headers.location, '/admin/login');
    });

    it('answers a login without fields with a toast, not a 5xx', async () => {
      const client = new AdminClient();
      await client.get('/admin/login');
      const { toast } = await client.follow(await client.post('/admin/loginevent', {}));
      assert.equal(toast?.type, 'danger');
      assert.match(toast?.msg ?? '', /用户名/);
    });
  });

  describe('GET /admin', () => {
    it('sends a visitor without a session to the login page with 请先登录', async () => {
      const client = new AdminClient();
      const res = await client.get('/admin');
      assert.equal(res.headers.location, '/admin/login');
      const page = await client.get('/admin/login');
      assert.deepEqual(toastOf(page.text), { type: 'danger', msg: '请先登录' });
    });

    it('logs out at once a manager who was removed', async () => {
      const { client, manager } = await loggedIn();
      await app.model.Manager.destroy({ where: { id: manager.id } });
      assert.equal((await client.get('/admin')).headers.location, '/admin/login');
    });

    it('shows the figures, the navigation and the refresh script', async () => {
      const { client } = await loggedIn();
      const res = await client.get('/admin');
      assert.equal(res.status, 200);
      for (const text of [ '直播中的直播间', '在线观众', '/admin/user', '/admin/manager', '/public/admin/dashboard.mjs' ]) assert(res.text.includes(text), text);
    });
  });

  describe('GET /admin/api/stats', () => {
    it('answers 401 without a session', async () => {
      const res = await app.httpRequest().get('/admin/api/stats').expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '请先登录' });
    });

    it('answers the dashboard figures', async () => {
      const { client } = await loggedIn();
      const res = await client.get('/admin/api/stats');
      assert.equal(res.status, 200);
      const data = res.body.data;
      assert.equal(res.body.msg, 'ok');
      assert(Number.isInteger(data.roomsLive));
      assert(Number.isInteger(data.viewers));
      assert.deepEqual(Object.keys(data.media).sort(), [ 'answered', 'enabled', 'players', 'publishers', 'streams' ]);
      assert.deepEqual(Object.keys(data.gifts), [ 'hour', 'day' ]);
      assert(Number.isInteger(data.orders.today.orders));
    });
  });

  describe('POST /admin/upload', () => {
    it('refuses an upload without a session or without the CSRF token', async () => {
      await app.httpRequest().post('/admin/upload').attach('file', Buffer.from('x'), 'a.png')
        .expect(403);
      const { client } = await loggedIn();
      const res = await app.httpRequest().post('/admin/upload').set('cookie', client.cookie)
        .attach('file', Buffer.from('x'), 'a.png');
      assert.equal(res.status, 403);
    });

    it('stores an image for a manager', async () => {
      const { client } = await loggedIn();
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
      const res = await app.httpRequest().post('/admin/upload').set('cookie', client.cookie)
        .set('x-csrf-token', client.csrf)
        .attach('file', png, 'dot.png');
      assert.equal(res.status, 200, res.text);
      assert.match(res.body.data.url, /^\/public\/uploads\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/);
    });
  });
});
