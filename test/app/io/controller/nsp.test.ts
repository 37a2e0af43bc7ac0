import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../../app/model/live';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';
import {
  cheapestGift, connect, errorsOf, lastOnline, ok, OnlineEvent, openLive, profile, publicIdOf, record, refusal, request, snapshot, userWithCoins, useSocketTests,
} from '../../../socket_support';

describe('test/app/io/controller/nsp.test.ts', () => {
  const socketApp = useSocketTests();
  let cheapest: Awaited<ReturnType<typeof cheapestGift>>;
  before(async () => {
    cheapest = await cheapestGift();
  });

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
      const socket = await connect(socketApp.url);
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

    it('marks refusals of leaveLive notoast, as the course does, and no other event\'s', async () => {
      const socket = await connect(socketApp.url);
      const metas: Array<Record<string, unknown>> = [];
      socket.on(socket.id, (msg: { meta: Record<string, unknown> }) => metas.push(msg.meta));
      for (const event of events) {
        const reply = await request(socket, event, { live_id: 1, token: 'not-a-jwt' });
        assert.equal(reply.data.action, 'error');
        assert.equal(reply.meta.notoast, event === 'leaveLive' ? true : undefined, event);
      }
      await until('four error events', () => metas.length === 4);
      assert.deepEqual(metas.map(meta => meta.notoast), [ undefined, true, undefined, undefined ]);
    });

    it('sends a course client (no acknowledgement) its error on the event named after its socket id', async () => {
      const socket = await connect(socketApp.url);
      const errors = errorsOf(socket);
      socket.emit('joinLive', { live_id: 1 });
      await until('the error event', () => errors.length > 0);
      assert.deepEqual(errors, [ '您没有权限访问该接口!' ]);
    });
  });

  describe('room checks', () => {
    ([[ LiveStatus.NotStarted, '未开播' ], [ LiveStatus.Ended, '直播已结束' ]] as const).forEach(([ status, message ]) => {
      it(`refuses joins, comments and gifts in a room that is ${message}`, async () => {
        const { live } = await openLive(status);
        const user = await userWithCoins(100);
        const socket = await connect(socketApp.url, { token: user.token });
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
      const socket = await connect(socketApp.url, { token: user.token });
      for (const event of [ 'joinLive', 'comment', 'gift' ]) {
        assert.equal(await refusal(socket, event, { live_id: 4294967295, data: 'hi', gift_id: cheapest.id }), '直播间不存在');
      }
      assert.equal((await app.model.User.findByPk(user.id))?.coin, 100);
    });

    it('accepts joins, comments and gifts in a paused room', async () => {
      const { live } = await openLive(LiveStatus.Paused);
      const user = await userWithCoins(100);
      const socket = await connect(socketApp.url, { token: user.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      await ok(socket, 'comment', { live_id: live.id, data: 'hi' });
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
    });
  });

  describe('joinLive and leaveLive', () => {
    it('lists a user with two tabs once, counts the first visit once, and unlists them with their last tab', async () => {
      const { live } = await openLive();
      const observer = await registerAndLogin();
      const watcher = await connect(socketApp.url, { token: observer.token });
      const online = record<OnlineEvent>(watcher, 'online');
      await ok(watcher, 'joinLive', { live_id: live.id });

      const viewer = await registerAndLogin();
      const tabs = await Promise.all([ connect(socketApp.url, { token: viewer.token }), connect(socketApp.url, { token: viewer.token }) ]);
      await Promise.all(tabs.map(tab => ok(tab, 'joinLive', { live_id: live.id, token: viewer.token })));
      // The first tab's join may be told (count 2, two sockets) after both acknowledgements: wait for the second's.
      await until('an online event with both tabs', () => online.length > 0 && online[online.length - 1].clients.length === 3);
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
      const again = await connect(socketApp.url, { token: viewer.token });
      await ok(again, 'joinLive', { live_id: live.id });
      await lastOnline(online, 2);
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 2);
    });

    it('counts the first visit once when one user joins from many sockets at the same moment', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const sockets = await Promise.all(Array.from({ length: 10 }, () => connect(socketApp.url, { token: viewer.token })));
      await Promise.all(sockets.map(socket => ok(socket, 'joinLive', { live_id: live.id })));
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 1);
      assert.equal(await app.model.LiveUser.count({ where: { live_id: live.id } }), 1);
      const { count, clients } = await snapshot(live.id);
      assert.equal(count, 1);
      assert.equal(clients.length, 10);
    });

    it('lets a socket leave an ended room, and leaving a room it never joined changes nothing', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(socketApp.url, { token: viewer.token });
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
      const socket = await connect(socketApp.url, { token: viewer.token });
      await ok(socket, 'joinLive', { live_id: first.id });
      await ok(socket, 'joinLive', { live_id: second.id });
      // Joining a room it is in again is no new room.
      await ok(socket, 'joinLive', { live_id: second.id });
      assert.equal(await refusal(socket, 'joinLive', { live_id: third.id }), '最多同时进入 2 个直播间，请先离开其他直播间');
      assert.equal((await snapshot(third.id)).count, 0);
      assert.equal((await app.model.Live.findByPk(third.id))?.look_count, 0);
      // Another socket of the same user has rooms of its own.
      const tab = await connect(socketApp.url, { token: viewer.token });
      await ok(tab, 'joinLive', { live_id: third.id });
      await ok(socket, 'leaveLive', { live_id: first.id });
      await ok(socket, 'joinLive', { live_id: third.id });
      assert.deepEqual((await snapshot(third.id)).clients.sort(), [ socket, tab ].map(publicIdOf).sort());
    });

    it('lists a socket that joins again with another user\'s token as that user only', async () => {
      const { live } = await openLive();
      const first = await registerAndLogin();
      const second = await registerAndLogin();
      const socket = await connect(socketApp.url);
      await ok(socket, 'joinLive', { live_id: live.id, token: first.token });
      await ok(socket, 'joinLive', { live_id: live.id, token: second.token });
      const list = await snapshot(live.id);
      assert.equal(list.count, 1);
      assert.deepEqual(list.data, [ profile(second) ]);
      assert.deepEqual(list.clients, [ publicIdOf(socket) ]);
    });
  });

  describe('comment', () => {
    it('stores the text and delivers it to the room byte for byte, as plain text', async () => {
      const { live } = await openLive();
      const sender = await registerAndLogin();
      const other = await registerAndLogin();
      const a = await connect(socketApp.url, { token: sender.token });
      const b = await connect(socketApp.url, { token: other.token });
      await ok(a, 'joinLive', { live_id: live.id });
      await ok(b, 'joinLive', { live_id: live.id });
      const seenA = record(a, 'comment');
      const seenB = record(b, 'comment');
      const text = '<b>主播好</b> & "hi" \'x\' 😀\n第二行 \\u0000 %s';
      await ok(a, 'comment', { live_id: String(live.id), data: text });
      await until('both sockets to get the comment', () => seenA.length === 1 && seenB.length === 1);
      const rows = await app.model.Comment.findAll({ where: { live_id: live.id } });
      assert.deepEqual(rows.map(row => [ row.content, row.user_id ]), [[ text, sender.id ]]);
      // id: the stored row's, which the course client keys its danmaku list on.
      for (const seen of [ seenA, seenB ]) assert.deepEqual(seen[0], { user: profile(sender), id: rows[0].id, content: text });
    });

    it('gives every danmaku its own id, in the order they were stored', async () => {
      const { live } = await openLive();
      const sender = await registerAndLogin();
      const socket = await connect(socketApp.url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const seen = record<{ id: number; content: string }>(socket, 'comment');
      for (const text of [ '一', '二', '三' ]) await ok(socket, 'comment', { live_id: live.id, data: text });
      await until('three comments', () => seen.length === 3);
      const rows = await app.model.Comment.findAll({ where: { live_id: live.id }, order: [[ 'id', 'ASC' ]] });
      assert.deepEqual(seen.map(({ id, content }) => [ id, content ]), rows.map(row => [ row.id, row.content ]));
      assert.equal(new Set(seen.map(({ id }) => id)).size, 3);
    });
  });

  describe('gift', () => {
    it('moves the coins, stores the gift and tells the room', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin * 3);
      const socket = await connect(socketApp.url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record(socket, 'gift');
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      await until('the gift event', () => gifts.length === 1);
      // gift_coin: the client adds gift_coin * num to the room's coins it shows.
      assert.deepEqual(gifts[0], {
        avatar: '', username: sender.username, gift_image: cheapest.image, gift_name: cheapest.name, gift_coin: cheapest.coin, num: 1,
      });
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin * 2);
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, cheapest.coin);
      const rows = await app.model.LiveGift.findAll({ where: { live_id: live.id } });
      assert.deepEqual(rows.map(row => [ row.user_id, row.gift_id ]), [[ sender.id, cheapest.id ]]);
    });

    it('tells a sender\'s run of one gift as one event with num, apart from other senders and other gifts, in order', async () => {
      // A window longer than the test: only a change of gift, or the shutdown flush, tells what was counted.
      mm(app.config.realtime.gift, 'coalesceMs', 60000);
      const { live } = await openLive();
      const [ flower, cake ] = (await app.model.Gift.findAll({ where: { hidden: false }, order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]] }))
        .filter(gift => gift.coin > 0).slice(1, 3);
      const a = await userWithCoins(1000);
      const b = await userWithCoins(1000);
      const viewer = await registerAndLogin();
      const watching = await connect(socketApp.url, { token: viewer.token });
      await ok(watching, 'joinLive', { live_id: live.id });
      const gifts = record<Record<string, unknown>>(watching, 'gift');
      const [ first, second ] = await Promise.all([ a, b ].map(user => connect(socketApp.url, { token: user.token })));
      for (let i = 0; i < 3; i++) await ok(first, 'gift', { live_id: live.id, gift_id: flower.id });
      for (let i = 0; i < 2; i++) await ok(second, 'gift', { live_id: live.id, gift_id: flower.id });
      assert.equal(app.giftCoalescer.size, 2);
      assert.deepEqual(gifts, [], 'nothing is told before its run ends');
      // a changes gift: its run of flowers is told at once.
      await ok(first, 'gift', { live_id: live.id, gift_id: cake.id });
      const told = (user: typeof a, gift: typeof flower, num: number) =>
        ({ avatar: '', username: user.username, gift_image: gift.image, gift_name: gift.name, gift_coin: gift.coin, num });
      await until('a\'s run of flowers', () => gifts.length === 1);
      assert.deepEqual(gifts, [ told(a, flower, 3) ]);
      // What app.ts's beforeClose does on shutdown.
      app.giftCoalescer.flushAll();
      await until('the two runs still counted', () => gifts.length === 3);
      assert.deepEqual(gifts, [ told(a, flower, 3), told(b, flower, 2), told(a, cake, 1) ]);
      assert.equal(app.giftCoalescer.size, 0);
      // The sum rule: what the viewer adds up is what the room gained, and every gift is a row.
      const shown = gifts.reduce((sum, event) => sum + Number(event.gift_coin) * Number(event.num), 0);
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, shown);
      assert.equal(shown, 5 * flower.coin + cake.coin);
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 6);
    });

    it('tells a run when its window ends, and a gift after that as a new event', async () => {
      mm(app.config.realtime.gift, 'coalesceMs', 200);
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin * 2);
      const socket = await connect(socketApp.url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record<{ num: number }>(socket, 'gift');
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      await until('the window to end', () => gifts.length === 1);
      await ok(socket, 'gift', { live_id: live.id, gift_id: cheapest.id });
      await until('the second window to end', () => gifts.length === 2);
      assert.deepEqual(gifts.map(({ num }) => num), [ 1, 1 ]);
      assert.equal(app.giftCoalescer.size, 0);
    });

    it('is refused, moving nothing, once the worker is shutting down (app.ts drains it)', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin);
      const socket = await connect(socketApp.url, { token: sender.token });
      mm(app.inFlight, 'closing', true);
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务器正在重启，请稍后重试');
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin);
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 0);
    });
  });

  describe('malformed packets', () => {
    it('answers each with an error, changes nothing, and keeps serving other sockets', async () => {
      const { live } = await openLive();
      const user = await userWithCoins(100);
      const socket = await connect(socketApp.url, { token: user.token });
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
      const other = await connect(socketApp.url, { token: user.token });
      const closed = new Promise(resolve => socket.once('disconnect', resolve));
      socket.emit('comment', { live_id: live.id, data: 'x'.repeat(200000) });
      await closed;
      await ok(other, 'comment', { live_id: live.id, data: 'still here' });
    });
  });
});
