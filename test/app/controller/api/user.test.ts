import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { app, mm } from 'egg-mock/bootstrap';
import { LOGGERS, mockLogs, registerAndLogin, uniqueName } from '../../../support';

describe('test/app/controller/api/user.test.ts', () => {
  const password = 'correct horse';

  function register(username: string, pass = password, repassword = pass) {
    return app.httpRequest().post('/api/reg').send({ username, password: pass, repassword });
  }

  describe('POST /api/reg', () => {
    it('lets one client address register config.rateLimit.register.limit accounts per window, then answers 429', async () => {
      mm(app.config.rateLimit.register, 'limit', 2);
      mm(app.config.rateLimit.register, 'window', 60);
      // Counted afresh: every test registers from this address.
      const counters = () => app.redis.keys(`${app.config.cache.prefix}rate_register_ip_*`);
      for (const key of await counters()) await app.redis.del(key);
      const names = [ uniqueName(), uniqueName(), uniqueName() ];
      await register(names[0]).expect(200);
      await register(names[1]).expect(200);
      const res = await register(names[2]).expect(429);
      assert.deepEqual(res.body, { msg: 'fail', data: '注册太频繁，每 1 分钟最多 2 次' });
      assert.equal(res.headers['retry-after'], '60');
      assert.equal(await app.model.User.count({ where: { username: names[2] } }), 0);
      for (const key of await counters()) await app.redis.del(key);
    });

    it('creates the user and answers it without the password', async () => {
      const username = uniqueName();
      const res = await register(username).expect(200);
      assert.equal(res.body.msg, 'ok');
      assert.equal(res.body.data.username, username);
      assert(Number.isInteger(res.body.data.id));
      assert.equal(res.body.data.coin, 0);
      assert(!('password' in res.body.data));
      assert(!JSON.stringify(res.body).includes(password));

      const row = await app.model.User.scope('withPassword').findOne({ where: { username } });
      assert(row);
      assert.match(row.password, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert(!row.password.includes(password));
    });

    it('salts: the same password gives two different digests', async () => {
      const a = uniqueName();
      const b = uniqueName();
      await register(a).expect(200);
      await register(b).expect(200);
      const rows = await app.model.User.scope('withPassword').findAll({ where: { username: [ a, b ] } });
      assert.equal(rows.length, 2);
      assert.notEqual(rows[0].password, rows[1].password);
    });

    it('refuses a username that exists', async () => {
      const username = uniqueName();
      await register(username).expect(200);
      const res = await register(username).expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户名已存在' });
      assert.equal(await app.model.User.count({ where: { username } }), 1);
    });

    it('lets exactly one of two simultaneous registrations of one name through', async () => {
      const username = uniqueName();
      const results = await Promise.all([ register(username), register(username), register(username) ]);
      assert.deepEqual(results.map(r => r.status).sort(), [ 200, 400, 400 ]);
      for (const r of results.filter(r => r.status === 400)) assert.equal(r.body.data, '用户名已存在');
      assert.equal(await app.model.User.count({ where: { username } }), 1);
    });

    it('refuses a username shorter than 5 or longer than 20 characters', async () => {
      for (const username of [ 'abcd', 'a'.repeat(21) ]) {
        const res = await register(username).expect(422);
        assert.equal(res.body.msg, 'fail');
        assert.match(res.body.data, /^用户名长度不能(少于 5|超过 20)$/);
        assert.equal(await app.model.User.count({ where: { username } }), 0);
      }
    });

    it('refuses usernames with spaces, control or invisible characters, and takes names in any script', async () => {
      for (const username of [ 'seven  spaces', '       ', '\u0000abcdef', 'abc\ud800def', 'zero\u200bwidth', 'tab\tname' ]) {
        const res = await register(username).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '用户名只能包含文字、数字和 _ . @ -' });
      }
      assert.equal(await app.model.User.count({ where: { username: [ 'seven  spaces', '       ' ] } }), 0);
      const name = '主播' + uniqueName().slice(0, 8);
      const res = await register(name).expect(200);
      assert.equal(res.body.data.username, name);
    });

    it('refuses a new password shorter than 8 characters, and takes one of 8', async () => {
      const username = uniqueName();
      for (const pass of [ 'abc', 'seven77', '密码密码密码密' ]) {
        const res = await register(username, pass).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '密码长度至少为8位' });
      }
      assert.equal(await app.model.User.count({ where: { username } }), 0);
      await register(username, 'eight888').expect(200);
      // Logging in is not a new password: a short one is simply checked.
      const res = await app.httpRequest().post('/api/login').send({ username, password: 'seven77' })
        .expect(400);
      assert.equal(res.body.data, '密码错误');
    });

    it('refuses passwords that do not match', async () => {
      const username = uniqueName();
      const res = await register(username, password, password + '!').expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '两次输入的密码不一致' });
      assert.equal(await app.model.User.count({ where: { username } }), 0);
    });

    it('answers the first failing field for missing fields and wrong types', async () => {
      let res = await app.httpRequest().post('/api/reg').send({})
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户名不能为空' });

      res = await app.httpRequest().post('/api/reg').send({ username: 1234567, password: 'x', repassword: 'x' })
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户名必须是字符串' });

      res = await app.httpRequest().post('/api/reg').send({ username: uniqueName(), password: [ 'x' ], repassword: 'x' })
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码必须是字符串' });

      res = await app.httpRequest().post('/api/reg').send([ 1, 2 ])
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户名不能为空' });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await app.httpRequest().post('/api/reg')
        .set('content-type', 'application/json')
        .send('{"username": "abcdef", ')
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请求体格式不正确' });
    });

    it('answers 415 for a body in an encoding it cannot read', async () => {
      const res = await app.httpRequest().post('/api/reg')
        .set('content-type', 'application/json')
        .set('content-encoding', 'br-unknown')
        .send('{}')
        .expect(415);
      assert.deepEqual(res.body, { msg: 'fail', data: '不支持的请求体类型或编码' });
    });

    it('answers 413 for a 10 MB body and 422 for an over-long field', async () => {
      const huge = 'x'.repeat(10 * 1024 * 1024);
      let res = await app.httpRequest().post('/api/reg').send({ username: uniqueName(), password: huge, repassword: huge })
        .expect(413);
      assert.deepEqual(res.body, { msg: 'fail', data: '请求体过大' });

      const long = 'x'.repeat(200 * 1024);
      const username = uniqueName();
      res = await register(username, long).expect(422);
      assert.equal(res.body.data, '密码长度不能超过 100');
      assert.equal(await app.model.User.count({ where: { username } }), 0);
    });
  });

  describe('POST /api/login', () => {
    it('answers the user without password, plus a token stored in Redis under user_<id>', async () => {
      const username = uniqueName();
      await register(username).expect(200);
      const res = await app.httpRequest().post('/api/login').send({ username, password })
        .expect(200);
      const { data } = res.body;
      assert.equal(res.body.msg, 'ok');
      assert.equal(data.username, username);
      assert(!('password' in data));
      assert.equal(typeof data.token, 'string');
      assert.equal(await app.redis.get(`${app.config.cache.prefix}user_${data.id}`), JSON.stringify(data.token));
    });

    it('issues an HS256 token that carries only id, username and a token id, and expires after the configured time', async () => {
      const { token, id, username } = await registerAndLogin();
      const [ head, body ] = token.split('.');
      assert.deepEqual(JSON.parse(Buffer.from(head, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      assert.deepEqual(Object.keys(claims).sort(), [ 'exp', 'iat', 'id', 'jti', 'username' ]);
      assert.equal(claims.id, id);
      assert.equal(claims.username, username);
      const { tokenTtl } = app.config.auth;
      assert.equal(claims.exp - claims.iat, tokenTtl);
      const ttl = await app.redis.ttl(`${app.config.cache.prefix}user_${id}`);
      assert(ttl > tokenTtl - 60 && ttl <= tokenTtl);
    });

    it('refuses an unknown user', async () => {
      const res = await app.httpRequest().post('/api/login').send({ username: uniqueName(), password })
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户不存在或已被禁用' });
    });

    it('refuses a wrong password', async () => {
      const username = uniqueName();
      await register(username).expect(200);
      const res = await app.httpRequest().post('/api/login').send({ username, password: password + 'x' })
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码错误' });
    });

    // A registered user under a login limit of 3 attempts, and a way to log in as them.
    async function limitedUser() {
      mm(app.config.auth.login, 'maxFailures', 3);
      const username = uniqueName();
      const { body } = await register(username).expect(200);
      return {
        id: body.data.id as number,
        username,
        login: (pass: string) => app.httpRequest().post('/api/login').send({ username, password: pass }),
      };
    }

    it('after too many wrong passwords refuses with 429 until the window ends, even the right one', async () => {
      const { id, login } = await limitedUser();
      for (let i = 0; i < 3; i++) await login('wrong').expect(400);
      const res = await login(password).expect(429);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码错误次数过多，请 15 分钟后再试' });
      assert.equal(res.headers['retry-after'], String(app.config.auth.login.failureWindow));

      // The window ending (here: its counter expiring) lets the right password in again.
      const [ counter ] = await app.redis.keys(`${app.config.cache.prefix}login_attempts_user_${id}_*`);
      assert(counter);
      await app.redis.del(counter);
      await login(password).expect(200);
    });

    it('counts parallel wrong passwords exactly: of 12 at once with a limit of 3, 3 are checked', async () => {
      const { login } = await limitedUser();
      const results = await Promise.all(Array.from({ length: 12 }, () => login('wrong')));
      assert.deepEqual(results.map(r => r.status).sort(), [ ...Array(3).fill(400), ...Array(9).fill(429) ]);
    });

    it('a successful login clears the count of wrong passwords', async () => {
      const { login } = await limitedUser();
      for (let i = 0; i < 2; i++) await login('wrong').expect(400);
      await login(password).expect(200);
      for (let i = 0; i < 2; i++) await login('wrong').expect(400);
      await login(password).expect(200);
    });

    // Each test its own client addresses, so no count of another test (or of an earlier run) mixes in.
    function someAddress() {
      return `10.${[ ...randomBytes(3) ].join('.')}`;
    }

    // Logins through a trusted proxy (one hop, as TRUST_PROXY=true sets it) that says the client is `address`.
    function loginVia(forwardedFor: string, username: string, pass: string) {
      mm(app.config, 'proxy', true);
      mm(app.config, 'maxIpsCount', 1);
      return app.httpRequest().post('/api/login').set('x-forwarded-for', forwardedFor)
        .send({ username, password: pass });
    }

    it('counts wrong passwords per user found, however the name is spelt: of 14 spellings MySQL takes for it, 10 are checked', async () => {
      const name = 'oa' + randomBytes(4).toString('hex');
      const { body } = await register(name).expect(200);
      const fullWidth = (text: string) => text.replace(/[!-~]/g, c => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const spellings = [
        name, `${name} `, `${name}   `, name.toUpperCase(), `O${name.slice(1)}`, fullWidth(name), fullWidth(name.toUpperCase()),
        `ó${name.slice(1)}`, `Ó${name.slice(1)}`, `oá${name.slice(2)}`, `öä${name.slice(2)}`, `ÓÁ${name.slice(2)} `,
        `${fullWidth('oa')}${name.slice(2)}`, `õâ${name.slice(2).toUpperCase()}`,
      ];
      assert.equal(new Set(spellings).size, 14);
      // The database finds the one user under each of them.
      for (const username of spellings) assert.equal((await app.model.User.findOne({ where: { username } }))?.id, body.data.id);

      const statuses: number[] = [];
      for (const username of spellings) {
        const res = await app.httpRequest().post('/api/login').send({ username, password: 'wrong-password' });
        statuses.push(res.status);
        assert.equal(res.body.data, res.status === 400 ? '密码错误' : '密码错误次数过多，请 15 分钟后再试');
      }
      assert.deepEqual(statuses, [ ...Array(10).fill(400), ...Array(4).fill(429) ]);
      await app.httpRequest().post('/api/login').send({ username: name, password })
        .expect(429);
    });

    it('counts failed logins per address over every username, known or not, and a success does not clear them', async () => {
      mm(app.config.auth.login, 'maxAddressFailures', 5);
      const attacker = someAddress();
      const { username } = await limitedUser();
      // The attacker's own account logging in between takes back its own attempt only.
      await loginVia(attacker, username, password).expect(200);
      for (let i = 0; i < 5; i++) {
        const res = await loginVia(attacker, uniqueName(), password).expect(400);
        assert.equal(res.body.data, '用户不存在或已被禁用');
        if (i === 2) await loginVia(attacker, username, password).expect(200);
      }
      const res = await loginVia(attacker, uniqueName(), password).expect(429);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码错误次数过多，请 15 分钟后再试' });
      await loginVia(attacker, username, password).expect(429);
      // Another address is not concerned.
      await loginVia(someAddress(), username, password).expect(200);
    });

    it('locks a user out of the guessing address only: the owner still logs in from another', async () => {
      const { username } = await limitedUser();
      const attacker = someAddress();
      for (let i = 0; i < 3; i++) await loginVia(attacker, username, 'wrong').expect(400);
      await loginVia(attacker, username, password).expect(429);
      await loginVia(someAddress(), username, password).expect(200);
      // The owner's success elsewhere does not unlock the attacker's address.
      await loginVia(attacker, username, password).expect(429);
    });

    it('behind a trusted proxy takes the address the proxy wrote: a forged leftmost X-Forwarded-For changes nothing', async () => {
      const { username } = await limitedUser();
      const client = someAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await loginVia(`${someAddress()}, ${client}`, username, 'wrong')).status);
      assert.deepEqual(statuses, [ 400, 400, 400, 429, 429 ]);
      await loginVia(client, username, password).expect(429);
    });

    it('with no trusted proxy ignores X-Forwarded-For: the client is the connection\'s peer', async () => {
      const { username, id } = await limitedUser();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.httpRequest().post('/api/login').set('x-forwarded-for', someAddress())
          .send({ username, password: 'wrong' });
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [ 400, 400, 400, 429, 429 ]);
      assert.deepEqual(await app.redis.keys(`${app.config.cache.prefix}login_attempts_user_${id}_*`),
        [ `${app.config.cache.prefix}login_attempts_user_${id}_127.0.0.1` ]);
    });

    it('refuses missing fields and wrong types without a 5xx', async () => {
      let res = await app.httpRequest().post('/api/login').send({ username: uniqueName() })
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '密码不能为空' });
      res = await app.httpRequest().post('/api/login').send({ username: { $gt: '' }, password })
        .expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户名必须是字符串' });
    });

    it('a second login invalidates the first token', async () => {
      const first = await registerAndLogin(password);
      const second = await app.httpRequest().post('/api/login').send({ username: first.username, password })
        .expect(200);
      assert.notEqual(second.body.data.token, first.token);
      const res = await app.httpRequest().get('/api/user/info').set('token', first.token)
        .expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: 'Token 令牌不合法!' });
      await app.httpRequest().get('/api/user/info').set('token', second.body.data.token)
        .expect(200);
    });

    it('logs a failure during login without the password or its digest', async () => {
      const secret = 'Pa55-' + uniqueName();
      const username = uniqueName();
      await register(username, secret).expect(200);
      const row = await app.model.User.scope('withPassword').findOne({ where: { username } });
      mockLogs();
      // Redis failing while the token is stored: the error is logged with its request, and answered as a 500 envelope.
      app.mockServiceError('cache', 'set', new Error('redis went away'));
      const res = await app.httpRequest().post('/api/login').send({ username, password: secret })
        .expect(500);
      assert.deepEqual(res.body, { msg: 'fail', data: 'redis went away' });
      app.expectLog('redis went away', 'errorLogger');
      for (const logger of LOGGERS) {
        app.notExpectLog(secret, logger);
        app.notExpectLog(row!.password, logger);
      }
    });
  });

  describe('GET /api/user/info', () => {
    it('answers the current user for the token in the header, the query or a Bearer header', async () => {
      const { token, id, username } = await registerAndLogin();
      for (const request of [
        () => app.httpRequest().get('/api/user/info').set('token', token),
        () => app.httpRequest().get(`/api/user/info?token=${encodeURIComponent(token)}`),
        () => app.httpRequest().get('/api/user/info').set('authorization', `Bearer ${token}`),
      ]) {
        const res = await request().expect(200);
        assert.equal(res.body.msg, 'ok');
        assert.equal(res.body.data.id, id);
        assert.equal(res.body.data.username, username);
        assert(!('password' in res.body.data));
      }
    });

    it('refuses a request without a token', async () => {
      const res = await app.httpRequest().get('/api/user/info').expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
    });

    it('refuses a malformed token and one signed with another secret', async () => {
      const { id, username } = await registerAndLogin();
      const forged = app.jwt.sign({ id, username }, 'not-our-secret', { expiresIn: 60 });
      for (const token of [ 'abc.def.ghi', 'garbage', forged ]) {
        const res = await app.httpRequest().get('/api/user/info').set('token', token)
          .expect(401);
        assert.deepEqual(res.body, { msg: 'fail', data: 'Token 令牌不合法!' });
      }
    });

    it('refuses an expired token', async () => {
      const { id, username } = await registerAndLogin();
      const expired = app.jwt.sign({ id, username, exp: Math.floor(Date.now() / 1000) - 10 }, app.config.jwt.secret);
      await app.redis.set(`${app.config.cache.prefix}user_${id}`, JSON.stringify(expired));
      const res = await app.httpRequest().get('/api/user/info').set('token', expired)
        .expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: 'token 已过期! 请重新获取令牌' });
    });

    it('refuses a token whose user no longer exists', async () => {
      const { id, token } = await registerAndLogin();
      await app.model.User.destroy({ where: { id } });
      const res = await app.httpRequest().get('/api/user/info').set('token', token)
        .expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '用户不存在或已被禁用' });
    });
  });

  describe('POST /api/logout', () => {
    it('logs out, and the token is refused afterwards', async () => {
      const { token, id } = await registerAndLogin();
      const res = await app.httpRequest().post('/api/logout').set('token', token)
        .expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: '退出成功' });
      assert.equal(await app.redis.exists(`${app.config.cache.prefix}user_${id}`), 0);
      const again = await app.httpRequest().post('/api/logout').set('token', token)
        .expect(401);
      assert.deepEqual(again.body, { msg: 'fail', data: 'Token 令牌不合法!' });
      const info = await app.httpRequest().get('/api/user/info').set('token', token)
        .expect(401);
      assert.deepEqual(info.body, { msg: 'fail', data: 'Token 令牌不合法!' });
    });

    it('refuses a request without a token', async () => {
      const res = await app.httpRequest().post('/api/logout').expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
    });
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await app.httpRequest().get('/api/nothing-here').expect(404);
    assert.deepEqual(res.body, { msg: 'fail', data: 'GET /api/nothing-here 不存在' });
  });

  afterEach(() => mm.restore());
});
