import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { ConnectionRefusedError } from 'sequelize';
import { LOGGERS, mockLogs, registerAndLogin } from '../../support';

describe('test/app/middleware/error_handler.test.ts', () => {
  afterEach(() => mm.restore());

  it('answers an unexpected error as a 500 envelope with its message outside production', async () => {
    const { token } = await registerAndLogin();
    app.mockServiceError('user', 'authenticate', new Error('database exploded'));
    const res = await app.httpRequest().get('/api/user/info').set('token', token)
      .expect(500);
    assert.deepEqual(res.body, { msg: 'fail', data: 'database exploded' });
  });

  it('hides the details of a 500 in production, and still logs them', async () => {
    const { token } = await registerAndLogin();
    mm(app.config, 'env', 'prod');
    mockLogs();
    app.mockServiceError('user', 'authenticate', new Error('password=hunter2 at db-7'));
    const res = await app.httpRequest().get('/api/user/info').set('token', token)
      .expect(500);
    assert.deepEqual(res.body, { msg: 'fail', data: 'Internal Server Error' });
    assert(!res.text.includes('hunter2'));
    app.expectLog('password=hunter2 at db-7', 'errorLogger');
  });

  it('logs the request of an error without the ?token= it carried', async () => {
    const { token } = await registerAndLogin();
    mockLogs();
    app.mockServiceError('user', 'authenticate', new Error('lookup failed'));
    await app.httpRequest().get(`/api/user/info?token=${token}&page=2`)
      .expect(500);
    app.expectLog(/GET \/api\/user\/info\?token=\*\*\*&page=2\] nodejs\.Error: lookup failed/, 'errorLogger');
    for (const logger of LOGGERS) app.notExpectLog(token, logger);
  });

  it('says an exposed 5xx\'s message in production (a refusal such as 暂未开通充值) and logs no error for it', async () => {
    const { token } = await registerAndLogin();
    mm(app.config, 'env', 'prod');
    mockLogs();
    const refusal = Object.assign(new Error('暂未开通充值'), { status: 503, expose: true });
    app.mockServiceError('user', 'authenticate', refusal);
    const res = await app.httpRequest().get('/api/user/info').set('token', token)
      .expect(503);
    assert.deepEqual(res.body, { msg: 'fail', data: '暂未开通充值' });
    app.notExpectLog('暂未开通充值', 'errorLogger');
  });

  it('answers MySQL or Redis being away as a 503 that says so in words, with Retry-After, and logs the cause', async () => {
    const { token } = await registerAndLogin();
    mockLogs();
    const refused = new ConnectionRefusedError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3307'), { code: 'ECONNREFUSED' }));
    const closed = new Error('Connection is closed.');
    for (const [ env, err ] of [[ 'prod', refused ], [ 'unittest', closed ]] as const) {
      mm(app.config, 'env', env);
      app.mockServiceError('user', 'authenticate', err);
      const res = await app.httpRequest().get('/api/user/info').set('token', token)
        .expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: '服务暂时不可用，请稍后再试' });
      assert.equal(res.headers['retry-after'], '5');
    }
    app.expectLog('connect ECONNREFUSED 127.0.0.1:3307', 'errorLogger');
    app.expectLog('Connection is closed.', 'errorLogger');
  });

  it('hides a 500\'s details on a developer\'s machine (local) too: they are in its log', async () => {
    const { token } = await registerAndLogin();
    mm(app.config, 'env', 'local');
    app.mockServiceError('user', 'authenticate', new Error('password=hunter2 at db-7'));
    const res = await app.httpRequest().get('/api/user/info').set('token', token)
      .expect(500);
    assert.deepEqual(res.body, { msg: 'fail', data: 'Internal Server Error' });
  });

  it('passes 4xx messages through in production', async () => {
    mm(app.config, 'env', 'prod');
    const res = await app.httpRequest().get('/api/user/info').expect(401);
    assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
  });

  it('answers a validation failure with 422 and the first failing field', async () => {
    const res = await app.httpRequest().post('/api/login').send({ password: 1 })
      .expect(422);
    assert.deepEqual(res.body, { msg: 'fail', data: '用户名不能为空' });
  });

  it('answers every unknown route, whatever its method, with a 404 envelope and never HTML', async () => {
    for (const method of [ 'get', 'post', 'put', 'delete' ] as const) {
      const res = await app.httpRequest()[method]('/nope/' + method).set('accept', 'text/html')
        .expect(404);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.deepEqual(res.body, { msg: 'fail', data: `${method.toUpperCase()} /nope/${method} 不存在` });
    }
  });

  it('answers a known route called with the wrong method with a 404 envelope', async () => {
    const res = await app.httpRequest().get('/api/login').expect(404);
    assert.deepEqual(res.body, { msg: 'fail', data: 'GET /api/login 不存在' });
  });
});
