import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { registerAndLogin, uniqueName } from '../../support';

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

  it('login refuses, without a 5xx, a user whose stored digest is not one of ours', async () => {
    for (const stored of [ 'e10adc3949ba59abbe56e057f20f883e', 'scrypt$abc$8$1$c2FsdA==$a2V5', 'scrypt$16384$8$1$$' ]) {
      const username = uniqueName();
      await app.model.User.create({ username, password: stored });
      const res = await app.httpRequest().post('/api/login').send({ username, password: '123456' })
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码错误' });
    }
  });
});
