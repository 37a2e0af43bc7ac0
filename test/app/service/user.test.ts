import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
import { registerAndLogin, uniqueName } from '../../support';
import { connect, ok, openLive, refusal, useSocketTests } from '../../socket_support';

describe('test/app/service/user.test.ts', () => {
  it('logout answers 退出登录失败 when there is no token to revoke', async () => {
    const { id, token } = await registerAndLogin();
    const ctx = app.mockContext();
    await ctx.service.user.logout(id);
    await assert.rejects(ctx.service.user.logout(id), { status: 400, message: '退出登录失败' });
    await assert.rejects(ctx.service.user.authenticate(token), { status: 401, message: 'Token 令牌不合法!' });
  });

  it('authenticate answers the user of a valid token', async () => {
    const { id, token } = await registerAndLogin();
    const user = await app.mockContext().service.user.authenticate(token);
    assert.equal(user.id, id);
    assert.equal((user.toJSON() as Record<string, unknown>).password, undefined);
  });

  it('authenticate refuses a validly signed token whose id is not a user id', async () => {
    const ctx = app.mockContext();
    const token = app.jwt.sign({ id: 'abc', username: 'x' }, app.config.jwt.secret);
    await assert.rejects(ctx.service.user.authenticate(token), { status: 401, message: 'Token 令牌不合法!' });
  });

  it('login refuses any password, without a 5xx, for a stored digest that is not one of ours or is damaged', async () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    for (const stored of [
      'e10adc3949ba59abbe56e057f20f883e', // the course's unsalted md5 of 123456
      'scrypt$abc$8$1$c2FsdA==$a2V5', // cost that is not a number
      'scrypt$16384$8$1$$', // no salt, no key
      `scrypt$16384$8$1$${salt}$A`, // key decodes to 0 bytes: empty buffers compare equal
      `scrypt$16384$8$1$${salt}$!!!!`, // key that is not base64
      `scrypt$16384$8$1$${salt}$${Buffer.alloc(8).toString('base64')}`, // key too short to mean anything
      'scrypt$1048576$8$1$c2FsdHNhbHRzYWx0$' + Buffer.alloc(64).toString('base64'), // cost past scrypt's memory cap
    ]) {
      const username = uniqueName();
      await app.model.User.create({ username, password: stored });
      const res = await app.httpRequest().post('/api/login').send({ username, password: '123456' })
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码错误' });
    }
  });

  it('login counts an IPv6 client\'s failures by its /64: a new address in it changes nothing', async () => {
    mm(app.config.auth.login, 'maxFailures', 2);
    const { username } = await registerAndLogin();
    const attempt = (ip: string) => {
      const ctx = app.mockContext();
      ctx.request.ip = ip;
      return ctx.service.user.login(username, 'wrong password');
    };
    await assert.rejects(attempt('2001:db8:7:7::1'), { status: 400 });
    await assert.rejects(attempt('2001:db8:7:7::2'), { status: 400 });
    await assert.rejects(attempt('2001:db8:7:7:abcd::3'), { status: 429 });
    // Another /64 is another client.
    await assert.rejects(attempt('2001:db8:7:8::1'), { status: 400 });
  });

  describe('authenticateSocket(), through the socket events', () => {
    const socketApp = useSocketTests();

    [ 'a logout', 'a newer login' ].forEach(how => {
      it(`cuts a socket's rights within config.realtime.authRecheck after ${how}`, async () => {
        mm(app.config.realtime, 'authRecheck', 300);
        const { live } = await openLive();
        const password = 'secret-pass';
        const viewer = await registerAndLogin(password);
        const viaConnection = await connect(socketApp.url, { token: viewer.token });
        const viaPayload = await connect(socketApp.url);
        await ok(viaConnection, 'comment', { live_id: live.id, data: 'before' });
        await ok(viaPayload, 'comment', { live_id: live.id, data: 'before', token: viewer.token });
        if (how === 'a logout') {
          await app.httpRequest().post('/api/logout').set('token', viewer.token)
            .expect(200);
        } else {
          await app.httpRequest().post('/api/login').send({ username: viewer.username, password })
            .expect(200);
        }
        await sleep(350);
        assert.equal(await refusal(viaConnection, 'comment', { live_id: live.id, data: 'after' }), 'Token 令牌不合法!');
        assert.equal(await refusal(viaPayload, 'comment', { live_id: live.id, data: 'after', token: viewer.token }), 'Token 令牌不合法!');
        assert.equal(await app.model.Comment.count({ where: { live_id: live.id, content: 'after' } }), 0);
      });
    });

    it('trusts a checked token for at most 2 seconds by default', () => {
      assert(app.config.realtime.authRecheck <= 2000);
    });
  });
});
