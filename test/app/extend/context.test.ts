import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { successBytes } from '../../../app/common/json_text';

describe('test/app/extend/context.test.ts', () => {
  it('apiSuccess answers the course envelope with status 200', () => {
    const ctx = app.mockContext();
    ctx.apiSuccess({ id: 1 });
    assert.equal(ctx.status, 200);
    assert.deepEqual(ctx.body, { msg: 'ok', data: { id: 1 } });
    ctx.apiSuccess('done', 'fine');
    assert.deepEqual(ctx.body, { msg: 'fine', data: 'done' });
  });

  it('apiSuccessBytes answers a reply made beforehand as JSON with status 200', () => {
    const ctx = app.mockContext();
    const data = [{ id: 1, title: '直播间 "一"', cover: null }];
    const body = successBytes(JSON.stringify(data));
    ctx.apiSuccessBytes(body);
    assert.equal(ctx.status, 200);
    assert.equal(ctx.type, 'application/json');
    assert.equal(ctx.body, body);
  });

  it('apiFail answers the failure envelope with status 400 unless told otherwise', () => {
    const ctx = app.mockContext();
    ctx.apiFail('该直播间不存在');
    assert.equal(ctx.status, 400);
    assert.deepEqual(ctx.body, { msg: 'fail', data: '该直播间不存在' });
    ctx.apiFail('不是你的', 'fail', 403);
    assert.equal(ctx.status, 403);
  });

  it('getToken signs a token that checkToken reads back, and checkToken refuses tampering', () => {
    const ctx = app.mockContext();
    const token = ctx.getToken({ id: 42, username: 'anchor' });
    const payload = ctx.checkToken(token);
    assert.equal(payload.id, 42);
    assert.equal(payload.username, 'anchor');
    const [ head, body, signature ] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), id: 1 })).toString('base64url');
    assert.throws(() => ctx.checkToken(`${head}.${forgedBody}.${signature}`), { name: 'JsonWebTokenError' });
  });

  it('randomString gives strings of [0-9a-zA-Z] of the asked length that do not repeat', () => {
    const ctx = app.mockContext();
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const key = ctx.randomString(20);
      assert.match(key, /^[0-9a-zA-Z]{20}$/);
      seen.add(key);
      for (const c of key) chars.add(c);
    }
    assert.equal(seen.size, 2000);
    // 40,000 draws over 62 symbols: every symbol shows up.
    assert.equal(chars.size, 62);
    assert.equal(ctx.randomString(0), '');
  });
});
