import assert from 'node:assert';
import http from 'node:http';
import { Context } from 'egg';
import { app } from 'egg-mock/bootstrap';
import { registerAndLogin } from '../../support';

describe('test/app/middleware/auth.test.ts', () => {
  // Runs the middleware on a request of its own with these headers (and URL), and answers the user the next
  // middleware saw, or the error it refused with. (app.mockContext would hand back one context for the whole test.)
  async function run(headers: Record<string, string>, url = '/') {
    const auth = app.middleware.auth();
    const req = { method: 'GET', url, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as http.IncomingMessage;
    const ctx = app.createContext(req, new http.ServerResponse(req)) as unknown as Context;
    let reached: { id: number } | undefined;
    try {
      await auth(ctx, async () => {
        reached = ctx.authUser;
      });
    } catch (err) {
      assert.equal(reached, undefined);
      const { status, message } = err as { status: number; message: string };
      return { refused: { status, message } };
    }
    assert(reached, 'the next middleware was not reached');
    return { user: reached };
  }

  it('hands the token\'s user to what follows, from the token header, ?token= or a Bearer header', async () => {
    const { id, token } = await registerAndLogin();
    assert.equal((await run({ token })).user?.id, id);
    assert.equal((await run({}, `/?token=${encodeURIComponent(token)}`)).user?.id, id);
    assert.equal((await run({ authorization: `Bearer ${token}` })).user?.id, id);
    assert.equal((await run({ authorization: `bearer ${token}` })).user?.id, id);
  });

  it('reads the token header first, then ?token=, then the Bearer header', async () => {
    const first = await registerAndLogin();
    const second = await registerAndLogin();
    const third = await registerAndLogin();
    const query = `/?token=${encodeURIComponent(second.token)}`;
    assert.equal((await run({ token: first.token, authorization: `Bearer ${third.token}` }, query)).user?.id, first.id);
    assert.equal((await run({ authorization: `Bearer ${third.token}` }, query)).user?.id, second.id);
  });

  it('refuses a missing token with 401 您没有权限访问该接口!, whatever else the request carries', async () => {
    const { token } = await registerAndLogin();
    const missing = { status: 401, message: '您没有权限访问该接口!' };
    assert.deepEqual((await run({})).refused, missing);
    assert.deepEqual((await run({}, '/?token=')).refused, missing);
    assert.deepEqual((await run({ authorization: `Basic ${token}` })).refused, missing);
    assert.deepEqual((await run({ authorization: 'Bearer' })).refused, missing);
  });

  it('refuses a malformed token and a revoked one (logged out) with 401 Token 令牌不合法!', async () => {
    const { token } = await registerAndLogin();
    const invalid = { status: 401, message: 'Token 令牌不合法!' };
    assert.deepEqual((await run({ token: 'not-a-jwt' })).refused, invalid);
    await app.httpRequest().post('/api/logout').set('token', token)
      .expect(200);
    assert.deepEqual((await run({ token })).refused, invalid);
  });

  it('refuses an expired token with 401 token 已过期! 请重新获取令牌', async () => {
    const { id, username } = await registerAndLogin();
    const expired = app.jwt.sign({ id, username, exp: Math.floor(Date.now() / 1000) - 10 }, app.config.jwt.secret);
    assert.deepEqual((await run({ token: expired })).refused, { status: 401, message: 'token 已过期! 请重新获取令牌' });
  });

  it('answers a refusal in the course envelope on a route behind it', async () => {
    const res = await app.httpRequest().post('/api/live/create').set('token', 'not-a-jwt')
      .send({ title: 'x' })
      .expect(401);
    assert.deepEqual(res.body, { msg: 'fail', data: 'Token 令牌不合法!' });
  });
});
