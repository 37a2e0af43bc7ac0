import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../../app/model/live';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';
import {
  appUrl, Client, closeClients, connect, errorsOf, OnlineEvent, openLive, publicIdOf, record, request, userWithCoins,
} from '../../../socket_support';

type Viewer = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/io/controller/nsp.test.ts', () => {
  let url: string;
  let cheapest: { id: number; name: string; image: string; coin: number };
  before(async () => {
    url = await appUrl();
    const gifts = await app.model.Gift.findAll({ order: [[ 'coin', 'ASC' ]] });
    const { id, name, image, coin } = gifts.find(gift => gift.coin > 0)!;
    cheapest = { id, name, image, coin };
  });
  afterEach(() => {
    closeClients();
    mm.restore();
  });

  // The error a socket is sent for an event, checked on both channels: the acknowledgement and the event named
  // after the socket's id (what course clients listen to).
  async function refusal(socket: Client, event: string, ...args: unknown[]): Promise<string> {
    const errors = errorsOf(socket);
    const before = errors.length;
    const reply = await request(socket, event, ...args);
    assert.equal(reply.data.action, 'error', JSON.stringify(reply));
    await until('the error event', () => errors.length > before);
    assert.deepEqual(errors.slice(before), [ reply.data.payload ]);
    return reply.data.payload as string;
  }

  async function ok(socket: Client, event: string, payload: unknown) {
    const reply = await request(socket, event, payload);
    assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' }, JSON.stringify(reply));
  }

  async function lastOnline(seen: OnlineEvent[], count: number): Promise<OnlineEvent> {
    await until(`an online event with count ${count}`, () => seen.length > 0 && seen[seen.length - 1].count === count);
    return seen[seen.length - 1];
  }

  async function snapshot(liveId: number) {
    return app.mockContext().service.online.snapshot(liveId, 100);
  }

  const profile = (user: Viewer) => ({ id: user.id, name: user.username, avatar: '' });

  describe('authentication', () => {
    const events = [ 'joinLive', 'leaveLive', 'comment', 'gift' ];

    it('answers every event without a token, or with a bad, expired or logged-out one, with the contract\'s message', async () => {
      const { live } = await openLive();
      const user = await registerAndLogin();
      const expired = app.jwt.sign({ id: user.id, username: user.username, exp: Math.floor(Date.now() / 1000) - 10 },
        app.config.jwt.secret);
      const loggedOut = await registerAndLogin();
      await app.httpRequest().post('/api/logout').set('token', loggedOut.token)
        .expect(200);
      const socket = await connect(url);
      const base = { live_id: live.id, data: 'hi', gift_id: cheapest.id };
      for (const event of events) {
        assert.equal(await refusal(socket, event, base), '您没有权限访问该接口!');
        assert.equal(await refusal(socket, event, { ...base, token: '' }), '您没有权限访问该接口!');
        assert.equal(await refusal(socket, event, { ...base, token: 'not-a-jwt' }), 'Token 令牌不合法!');
        assert.equal(await refusal(socket, event, { ...base, token: 12345 }), 'Token 令牌不合法!');
        assert.equal(await refusal(socket, event, { ...base, token: expired }), 'token 已过期! 请重新获取令牌');
        assert.equal(await refusal(socket, event, { ...base, token: loggedOut.token }), 'Token 令牌不合法!');
      }
      const { count } = await snapshot(live.id);
      assert.equal(count, 0);
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), 0);
    });

    it('sends a course client (no acknowledgement) its error on the event named after its socket id', async () => {
      const socket = await connect(url);
      const errors = errorsOf(socket);
      socket.emit('joinLive', { live_id: 1 });
      await until('the error event', () => errors.length > 0);
      assert.deepEqual(errors, [ '您没有权限访问该接口!' ]);
    });

    it('takes the token given at connection for events that carry none', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      assert.deepEqual((await snapshot(live.id)).data, [ profile(viewer) ]);
      // An event's own token wins over the connection's.
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'x', token: 'bad' }), 'Token 令牌不合法!');
    });

    it('tells a socket that connected with a refused token why, and lets its events carry a good one', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: 'not-a-jwt' });
      const errors = errorsOf(socket);
      await until('the connection\'s error', () => errors.length > 0);
      assert.deepEqual(errors, [ 'Token 令牌不合法!' ]);
      await ok(socket, 'joinLive', { live_id: live.id, token: viewer.token });
    });

    [ 'a logout', 'a newer login' ].forEach(how => {
      it(`cuts a socket's rights within config.realtime.authRecheck after ${how}`, async () => {
        mm(app.config.realtime, 'authRecheck', 300);
        const { live } = await openLive();
        const password = 'secret-pass';
        const viewer = await registerAndLogin(password);
        const viaConnection = await connect(url, { token: viewer.token });
        const viaPayload = await connect(url);
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

  describe('room checks', () => {
    ([[ LiveStatus.NotStarted, '未开播' ], [ LiveStatus.Ended, '直播已结束' ]] as const).forEach(([ status, message ]) => {
      it(`refuses joins, comments and gifts in a room that is ${message}`, async () => {
        const { live } = await openLive(status);
        const user = await userWithCoins(100);
        const socket = await connect(url, { token: user.token });
        assert.equal(await refusal(socket, 'joinLive', { live_id: live.id }), message);
        assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'hi' }), message);
        assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), message);
        const row = await app.model.Live.findByPk(live.id);
        assert.equal(row?.look_count, 0);
        assert.equal(row?.coin, 0);
        assert.equal((await app.model.User.findByPk(user.id))?.coin, 100);
        assert.equal((await snapshot(live.id)).count, 0);
      });
    });

    it('refuses joins, comments and gifts in a room that does not exist', async () => {
      const user = await userWithCoins(100);
      const socket = await connect(url, { token: user.token });
      for (const event of [ 'joinLive', 'comment', 'gift' ]) {
        assert.equal(await refusal(socket, event, { live_id: 4294967295, data: 'hi', gift_id: cheapest.id }), '直播间不存在');
      }
      assert.equal((await app.model.User.findByPk(user.id))?.coin, 100);
    });

    it('accepts joins, comments and gifts in a paused room', async () => {
      const { live } = await openLive(LiveStatus.Paused);
      const user = await userWithCoins(100);
      const socket = await connect(url, { token: user.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      await ok(socket, 'comment', { live_id: live.id, data: 'hi' });
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
    });
  });

  describe('joinLive and leaveLive', () => {
    it('lists a user with two tabs once, counts the first visit once, and unlists them with their last tab', async () => {
      const { live } = await openLive();
      const observer = await registerAndLogin();
      const watcher = await connect(url, { token: observer.token });
      const online = record<OnlineEvent>(watcher, 'online');
      await ok(watcher, 'joinLive', { live_id: live.id });

      const viewer = await registerAndLogin();
      const tabs = await Promise.all([ connect(url, { token: viewer.token }), connect(url, { token: viewer.token }) ]);
      await Promise.all(tabs.map(tab => ok(tab, 'joinLive', { live_id: live.id, token: viewer.token })));
      let event = await lastOnline(online, 2);
      assert.deepEqual(event.data, [ profile(viewer), profile(observer) ]);
      assert.deepEqual(new Set(event.clients), new Set([ watcher, ...tabs ].map(publicIdOf)));
      assert.equal(event.action, 'join');
      assert.deepEqual(event.user, profile(viewer));
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 2);
      assert.equal(await app.model.LiveUser.count({ where: { live_id: live.id, user_id: viewer.id } }), 1);

      // One tab leaves: the user is still there. The other disconnects: the user is gone.
      await ok(tabs[0], 'leaveLive', { live_id: live.id });
      await until('the list to lose a socket', async () => (await snapshot(live.id)).clients.length === 2);
      assert.equal((await snapshot(live.id)).count, 2);
      tabs[1].close();
      event = await lastOnline(online, 1);
      assert.equal(event.action, 'leave');
      assert.deepEqual(event.user, profile(viewer));
      assert.deepEqual(event.data, [ profile(observer) ]);
      assert.deepEqual(event.clients, [ publicIdOf(watcher) ]);

      // Joining again is no new visit.
      const again = await connect(url, { token: viewer.token });
      await ok(again, 'joinLive', { live_id: live.id });
      await lastOnline(online, 2);
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 2);
    });

    it('counts the first visit once when one user joins from many sockets at the same moment', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const sockets = await Promise.all(Array.from({ length: 10 }, () => connect(url, { token: viewer.token })));
      await Promise.all(sockets.map(socket => ok(socket, 'joinLive', { live_id: live.id })));
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 1);
      assert.equal(await app.model.LiveUser.count({ where: { live_id: live.id } }), 1);
      const { count, clients } = await snapshot(live.id);
      assert.equal(count, 1);
      assert.equal(clients.length, 10);
    });

    it('tells a burst of joins to the room in a few events that end on the exact list', async () => {
      const { live } = await openLive();
      const observer = await registerAndLogin();
      const watcher = await connect(url, { token: observer.token });
      await ok(watcher, 'joinLive', { live_id: live.id });
      const online = record<OnlineEvent>(watcher, 'online');
      const viewers: Viewer[] = [];
      // One after another: supertest closes egg-mock's shared server after each request.
      for (let i = 0; i < 30; i++) viewers.push(await registerAndLogin());
      const sockets = await Promise.all(viewers.map(viewer => connect(url, { token: viewer.token })));
      await Promise.all(sockets.map(socket => ok(socket, 'joinLive', { live_id: live.id })));
      const event = await lastOnline(online, 31);
      assert.deepEqual(new Set(event.data.map(user => user.id)), new Set([ observer.id, ...viewers.map(viewer => viewer.id) ]));
      assert(online.length < 10, `${online.length} online events for 30 joins`);
    });

    it('caps data and clients at config.realtime.online.listLimit, newest first, while count stays exact', async () => {
      mm(app.config.realtime.online, 'listLimit', 3);
      const { live } = await openLive();
      const viewers: Viewer[] = [];
      for (let i = 0; i < 5; i++) viewers.push(await registerAndLogin());
      const sockets: Client[] = [];
      for (const viewer of viewers) {
        const socket = await connect(url, { token: viewer.token });
        await ok(socket, 'joinLive', { live_id: live.id });
        sockets.push(socket);
        await sleep(5);
      }
      const online = record<OnlineEvent>(sockets[0], 'online');
      await ok(sockets[0], 'leaveLive', { live_id: live.id });
      await ok(sockets[0], 'joinLive', { live_id: live.id });
      const event = await lastOnline(online, 5);
      assert.deepEqual(event.data.map(user => user.id), [ viewers[0].id, viewers[4].id, viewers[3].id ]);
      assert.deepEqual(event.clients, [ sockets[0], sockets[4], sockets[3] ].map(publicIdOf));
    });

    it('lets a socket leave an ended room, and leaving a room it never joined changes nothing', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      await app.model.Live.update({ status: LiveStatus.Ended }, { where: { id: live.id } });
      await ok(socket, 'leaveLive', { live_id: live.id });
      assert.equal((await snapshot(live.id)).count, 0);
      await ok(socket, 'leaveLive', { live_id: live.id });
      await ok(socket, 'leaveLive', { live_id: 4294967295 });
    });

    it('lets a socket be in config.realtime.maxLives rooms at once, refuses one more without visiting it, and takes it after a leave', async () => {
      mm(app.config.realtime, 'maxLives', 2);
      const [ first, second, third ] = await Promise.all([ openLive(), openLive(), openLive() ]).then(all => all.map(({ live }) => live));
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: first.id });
      await ok(socket, 'joinLive', { live_id: second.id });
      // Joining a room it is in again is no new room.
      await ok(socket, 'joinLive', { live_id: second.id });
      assert.equal(await refusal(socket, 'joinLive', { live_id: third.id }), '最多同时进入 2 个直播间，请先离开其他直播间');
      assert.equal((await snapshot(third.id)).count, 0);
      assert.equal((await app.model.Live.findByPk(third.id))?.look_count, 0);
      // Another socket of the same user has rooms of its own.
      const tab = await connect(url, { token: viewer.token });
      await ok(tab, 'joinLive', { live_id: third.id });
      await ok(socket, 'leaveLive', { live_id: first.id });
      await ok(socket, 'joinLive', { live_id: third.id });
      assert.deepEqual((await snapshot(third.id)).clients.sort(), [ socket.id, tab.id ].sort());
    });

    it('lists a socket that joins again with another user\'s token as that user only', async () => {
      const { live } = await openLive();
      const first = await registerAndLogin();
      const second = await registerAndLogin();
      const socket = await connect(url);
      await ok(socket, 'joinLive', { live_id: live.id, token: first.token });
      await ok(socket, 'joinLive', { live_id: live.id, token: second.token });
      const list = await snapshot(live.id);
      assert.equal(list.count, 1);
      assert.deepEqual(list.data, [ profile(second) ]);
      assert.deepEqual(list.clients, [ publicIdOf(socket) ]);
    });

    it('unlists, at the next heartbeat, a socket whose user has logged out, and stops telling it the room', async () => {
      const { live } = await openLive();
      const [ leaving, staying ] = [ await registerAndLogin(), await registerAndLogin() ];
      const gone = await connect(url, { token: leaving.token });
      const other = await connect(url, { token: staying.token });
      await ok(gone, 'joinLive', { live_id: live.id });
      await ok(other, 'joinLive', { live_id: live.id });
      await app.httpRequest().post('/api/logout').set('token', leaving.token)
        .expect(200);
      await app.runSchedule('online_heartbeat');
      const list = await snapshot(live.id);
      assert.deepEqual(list.data, [ profile(staying) ]);
      assert.deepEqual(list.clients, [ publicIdOf(other) ]);
      const heard = record(gone, 'comment');
      const told = record(other, 'comment');
      await ok(other, 'comment', { live_id: live.id, data: 'after the logout' });
      await until('the comment', () => told.length === 1);
      await sleep(100);
      assert.deepEqual(heard, []);
    });

    it('ignores events named like socket.io\'s own (a fake disconnect), and refuses a second connect on one connection', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const engine = (socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine;
      engine.write('2["disconnect"]');
      engine.write('2["disconnecting"]');
      engine.write('0');
      // Events still run in order after these: this one is answered once they have been handled.
      await ok(socket, 'comment', { live_id: live.id, data: 'still here' });
      assert.deepEqual((await snapshot(live.id)).clients, [ publicIdOf(socket) ]);
      socket.close();
      await until('the socket to be unlisted', async () => (await snapshot(live.id)).count === 0);
    });

    it('runs one socket\'s events in order: a leave sent right after its join leaves it unlisted', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url, { token: viewer.token });
      const join = request(socket, 'joinLive', { live_id: live.id });
      const leave = request(socket, 'leaveLive', { live_id: live.id });
      assert.equal((await join).data.action, 'ok');
      assert.equal((await leave).data.action, 'ok');
      assert.equal((await snapshot(live.id)).count, 0);
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 1);
    });
  });

  describe('comment', () => {
    it('stores the text and delivers it to the room byte for byte, as plain text', async () => {
      const { live } = await openLive();
      const sender = await registerAndLogin();
      const other = await registerAndLogin();
      const a = await connect(url, { token: sender.token });
      const b = await connect(url, { token: other.token });
      await ok(a, 'joinLive', { live_id: live.id });
      await ok(b, 'joinLive', { live_id: live.id });
      const seenA = record(a, 'comment');
      const seenB = record(b, 'comment');
      const text = '<b>主播好</b> & "hi" \'x\' 😀\n第二行 \\u0000 %s';
      await ok(a, 'comment', { live_id: String(live.id), data: text });
      await until('both sockets to get the comment', () => seenA.length === 1 && seenB.length === 1);
      for (const seen of [ seenA, seenB ]) assert.deepEqual(seen[0], { user: profile(sender), content: text });
      const rows = await app.model.Comment.findAll({ where: { live_id: live.id } });
      assert.deepEqual(rows.map(row => [ row.content, row.user_id ]), [[ text, sender.id ]]);
    });

    it('refuses empty, whitespace-only, too long and malformed text', async () => {
      const { live } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(url, { token: user.token });
      const max = app.config.realtime.comment.maxLength;
      assert.equal(max, 200);
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: '' }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: ' \n\t\u3000' }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'x'.repeat(max + 1) }), `弹幕内容不能超过 ${max} 个字`);
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 42 }), '弹幕内容必须是字符串');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'a\uD800b' }), '弹幕内容包含无效字符');
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), 0);
      // The limit counts characters: 200 emoji (400 UTF-16 units) pass.
      await ok(socket, 'comment', { live_id: live.id, data: '😀'.repeat(max) });
    });

    it('allows config.realtime.comment.limit comments per window per user per room, then refuses until the window passes', async () => {
      mm(app.config.realtime.comment, 'window', 1);
      const { live } = await openLive();
      const { live: other } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(url, { token: user.token });
      for (let i = 0; i < 5; i++) await ok(socket, 'comment', { live_id: live.id, data: `c${i}` });
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'too many' }), '发言太频繁，每 1 秒最多 5 条');
      // Another room has its own count.
      await ok(socket, 'comment', { live_id: other.id, data: 'elsewhere' });
      await sleep(1100);
      await ok(socket, 'comment', { live_id: live.id, data: 'later' });
      const rows = await app.model.Comment.findAll({ where: { live_id: live.id }, order: [[ 'id', 'ASC' ]] });
      assert.deepEqual(rows.map(row => row.content), [ 'c0', 'c1', 'c2', 'c3', 'c4', 'later' ]);
    });
  });

  describe('gift', () => {
    it('moves the coins, stores the gift and tells the room', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin * 3);
      const socket = await connect(url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record(socket, 'gift');
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      await until('the gift event', () => gifts.length === 1);
      assert.deepEqual(gifts[0], { avatar: '', username: sender.username, gift_image: cheapest.image, gift_name: cheapest.name, num: 1 });
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin * 2);
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, cheapest.coin);
      const rows = await app.model.LiveGift.findAll({ where: { live_id: live.id } });
      assert.deepEqual(rows.map(row => [ row.user_id, row.gift_id ]), [[ sender.id, cheapest.id ]]);
    });

    it('pays gifts into a room whose coins pass 2^32 − 1, exactly, and answers its coins as a number', async () => {
      const { live } = await openLive();
      const start = 2 ** 32 - 2;
      await app.model.Live.update({ coin: start }, { where: { id: live.id } });
      const sender = await userWithCoins(cheapest.coin * 3);
      const socket = await connect(url, { token: sender.token });
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, start + 2 * cheapest.coin);
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin);
      const read = await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200);
      assert.strictEqual(read.body.data.data.coin, start + 2 * cheapest.coin);
    });

    it('refuses an unknown gift and a gift the sender cannot pay, and changes nothing', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin - 1);
      const socket = await connect(url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record(socket, 'gift');
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: 4294967295 }), '该礼物不存在');
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '金币不足，请先充值');
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin - 1);
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, 0);
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 0);
      await sleep(100);
      assert.deepEqual(gifts, []);
    });

    it('answers many gifts at once to a closed room at once, and holds no database connection or row for them', async () => {
      const { live } = await openLive(LiveStatus.Ended);
      const sender = await userWithCoins(100);
      // More than the connection pool holds (5), each from its own socket so they race.
      const sockets = await Promise.all(Array.from({ length: 12 }, () => connect(url, { token: sender.token })));
      const replies = await Promise.all(sockets.map(socket => request(socket, 'gift', { live_id: live.id, gift_id: cheapest.id })));
      assert.deepEqual(new Set(replies.map(reply => reply.data.payload)), new Set([ '直播已结束' ]));
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, 100);
    });

    it('takes a free gift (price 0): it is stored and told, and no coin moves', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(0);
      const free = await app.model.Gift.create({ name: '点赞', image: '/static/gift/0.png', coin: 0 });
      try {
        const socket = await connect(url, { token: sender.token });
        await ok(socket, 'joinLive', { live_id: live.id });
        const gifts = record(socket, 'gift');
        await ok(socket, 'gift', { live_id: live.id, gift_id: free.id });
        await ok(socket, 'gift', { live_id: live.id, gift_id: free.id });
        await until('two gift events', () => gifts.length === 2);
        assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id, gift_id: free.id } }), 2);
        assert.equal((await app.model.Live.findByPk(live.id))?.coin, 0);
      } finally {
        await app.model.LiveGift.destroy({ where: { gift_id: free.id } });
        await free.destroy();
      }
    });

    it('answers GET /api/gift/list with the catalogue', async () => {
      const res = await app.httpRequest().get('/api/gift/list')
        .expect(200);
      assert.equal(res.body.msg, 'ok');
      assert(res.body.data.length >= 6);
      assert.deepEqual(Object.keys(res.body.data[0]).sort(), [ 'coin', 'id', 'image', 'name' ]);
      assert.deepEqual(res.body.data.find((gift: { id: number }) => gift.id === cheapest.id), cheapest);
    });
  });

  describe('malformed packets', () => {
    it('answers each with an error, changes nothing, and keeps serving other sockets', async () => {
      const { live } = await openLive();
      const user = await userWithCoins(100);
      const socket = await connect(url, { token: user.token });
      const huge = 'x'.repeat(60000);
      const payloads: unknown[] = [
        undefined, null, 42, 'joinLive', [ live.id ], true,
        {}, { live_id: huge }, { live_id: 1.5 }, { live_id: '12abc' }, { live_id: -1 }, { live_id: 0 }, { live_id: 1e20 },
        { live_id: true }, { live_id: {} }, { live_id: [ live.id ] }, { live_id: null }, { live_id: ' 1' },
        { live_id: live.id, gift_id: 'x' }, { live_id: live.id, gift_id: 2.5 },
        { live_id: live.id, data: huge }, { live_id: live.id, data: { text: 'x' } }, { live_id: live.id, data: [ 'x' ] },
      ];
      const answers: string[] = [];
      for (const event of [ 'joinLive', 'leaveLive', 'comment', 'gift' ]) {
        for (const payload of payloads) {
          // A packet without arguments, as a client that forgot the payload sends it.
          const reply = payload === undefined ? await request(socket, event) : await request(socket, event, payload);
          if (reply.data.action === 'ok') {
            // Only leaveLive with a valid id, and joinLive / comment of a well-formed payload, may succeed.
            assert(typeof payload === 'object' && payload !== null && (payload as { live_id?: unknown }).live_id === live.id,
              `${event} ${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
            continue;
          }
          answers.push(reply.data.payload as string);
        }
      }
      assert(answers.length > 70, `${answers.length} refusals`);
      for (const answer of answers) assert(typeof answer === 'string' && answer.length > 0 && answer.length < 100, answer);
      assert(answers.includes('请求参数必须是对象'));
      assert(answers.includes('直播间ID必须是整数'));
      assert(answers.includes('直播间ID不能为空'));
      assert(answers.includes('礼物ID必须是整数'));

      assert.equal((await app.model.User.findByPk(user.id))?.coin, 100);
      const row = await app.model.Live.findByPk(live.id);
      assert.equal(row?.coin, 0);
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), 0);
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 0);

      // A frame beyond the size limit ends that connection only.
      const other = await connect(url, { token: user.token });
      const closed = new Promise(resolve => socket.once('disconnect', resolve));
      socket.emit('comment', { live_id: live.id, data: 'x'.repeat(200000) });
      await closed;
      await ok(other, 'comment', { live_id: live.id, data: 'still here' });
    });

    it('refuses events past config.realtime.maxPendingEvents waiting on one socket', async () => {
      mm(app.config.realtime.comment, 'limit', 1000);
      const { live } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(url, { token: user.token });
      const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        request(socket, 'comment', { live_id: live.id, data: `burst ${i}` })));
      const accepted = replies.filter(reply => reply.data.action === 'ok').length;
      const refused = replies.filter(reply => reply.data.payload === '请求太频繁，请稍后再试').length;
      assert.equal(accepted + refused, 60);
      assert(refused > 0 && accepted >= app.config.realtime.maxPendingEvents, `${accepted} accepted, ${refused} refused`);
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), accepted);
    });
  });
});
