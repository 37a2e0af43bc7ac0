import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
import { ConnectionRefusedError, DatabaseError, TimeoutError } from 'sequelize';
import { LiveStatus } from '../../../app/model/live';
import { until } from '../../lib/until';
import {
  cheapestGift, connect, ok, openLive, record, refusal, request, userWithCoins, useSocketTests,
} from '../../socket_support';

// Driven through the gift event, the way clients pay.
describe('test/app/service/gift.test.ts', () => {
  const socketApp = useSocketTests();
  let cheapest: Awaited<ReturnType<typeof cheapestGift>>;
  before(async () => {
    cheapest = await cheapestGift();
  });

  describe('send()', () => {
    it('refuses an unknown gift and a gift the sender cannot pay, and changes nothing', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin - 1);
      const socket = await connect(socketApp.url, { token: sender.token });
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
      const sockets = await Promise.all(Array.from({ length: 12 }, () => connect(socketApp.url, { token: sender.token })));
      const replies = await Promise.all(sockets.map(socket => request(socket, 'gift', { live_id: live.id, gift_id: cheapest.id })));
      assert.deepEqual(new Set(replies.map(reply => reply.data.payload)), new Set([ '直播已结束' ]));
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, 100);
    });

    it('tells a sender whose payment met MySQL going away that the gift may be paid, and one refused a connection that it is not', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin * 10);
      const socket = await connect(socketApp.url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record(socket, 'gift');
      const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' });
      const query = app.model.query.bind(app.model) as (sql: string, options: object) => Promise<unknown>;
      // The payment runs and commits, then its answer is lost with the connection.
      mm(app.model, 'query', async (sql: string, options: object) => {
        if (!sql.startsWith('CALL gift_pay')) return query(sql, options);
        await query(sql, options);
        throw new DatabaseError(Object.assign(lost(), { sql }));
      });
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务暂时不可用，礼物可能已送出，请稍后查看余额，勿重复赠送');
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin * 9);
      // MySQL refused the connection: the payment was never sent, and the sender may simply try again.
      mm(app.model, 'query', async (sql: string, options: object) => {
        if (!sql.startsWith('CALL gift_pay')) return query(sql, options);
        throw new ConnectionRefusedError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));
      });
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务暂时不可用，请稍后再试');
      // A lock wait timeout rolls the whole payment back on the server: not in doubt either.
      mm(app.model, 'query', async (sql: string, options: object) => {
        if (!sql.startsWith('CALL gift_pay')) return query(sql, options);
        throw new TimeoutError(Object.assign(new Error('Lock wait timeout exceeded; try restarting transaction'), { code: 'ER_LOCK_WAIT_TIMEOUT', sql }));
      });
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务暂时不可用，请稍后再试');
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
      await sleep(100);
      assert.equal(gifts.length, 0, 'the room was told of no gift');
    });

    it('pays in one call to the database, which rolls all of it back when the room closed or the coins do not suffice', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin);
      const call = (userId: number, price: number, giftId = cheapest.id) => app.model.query('CALL gift_pay(:live, :user, :gift, :price)',
        { replacements: { live: live.id, user: userId, gift: giftId, price } }) as Promise<unknown>;
      const outcome = async (userId: number, price: number) => JSON.stringify(await call(userId, price)).match(/"outcome":"(\w+)"/)?.[1];
      assert.equal(await outcome(sender.id, cheapest.coin + 1), 'poor');
      assert.equal(await outcome(sender.id, cheapest.coin), 'paid');
      assert.equal(await outcome(sender.id, cheapest.coin), 'poor');
      await app.model.User.update({ coin: cheapest.coin }, { where: { id: sender.id } });
      // An error after both updates (a gift that is no gift: the live_gift row's foreign key) undoes them both.
      await assert.rejects(call(sender.id, cheapest.coin, 4294967295), /foreign key/i);
      await app.model.Live.update({ status: LiveStatus.Ended }, { where: { id: live.id } });
      assert.equal(await outcome(sender.id, cheapest.coin), 'closed');
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin);
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
      assert.equal((await app.model.Live.findByPk(live.id))?.coin, cheapest.coin);
    });

    it('takes a free gift (price 0): it is stored and told, and no coin moves', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(0);
      const free = await app.model.Gift.create({ name: '点赞', image: '/static/gift/0.png', coin: 0 });
      try {
        const socket = await connect(socketApp.url, { token: sender.token });
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
  });
});
