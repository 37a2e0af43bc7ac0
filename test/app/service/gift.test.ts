import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
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

    it('tells a sender whose COMMIT met MySQL going away that the gift may be paid, and one before it that it is not', async () => {
      const { live } = await openLive();
      const sender = await userWithCoins(cheapest.coin * 10);
      const socket = await connect(socketApp.url, { token: sender.token });
      await ok(socket, 'joinLive', { live_id: live.id });
      const gifts = record(socket, 'gift');
      const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' });
      // The statements run and are written (no transaction: as a COMMIT that went through), then the answer is lost.
      mm(app.model, 'transaction', async (work: (transaction?: unknown) => Promise<unknown>) => {
        await work(undefined);
        throw Object.assign(new Error('wrapped'), { name: 'SequelizeDatabaseError', parent: lost(), sql: 'COMMIT;' });
      });
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务暂时不可用，礼物可能已送出，请稍后查看余额，勿重复赠送');
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
      assert.equal((await app.model.User.findByPk(sender.id))?.coin, cheapest.coin * 9);
      // MySQL gone before the work was done: nothing was written, and the sender may simply try again.
      mm(app.model, 'transaction', async () => {
        throw Object.assign(new Error('wrapped'), { name: 'SequelizeDatabaseError', parent: lost() });
      });
      assert.equal(await refusal(socket, 'gift', { live_id: live.id, gift_id: cheapest.id }), '服务暂时不可用，请稍后再试');
      assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), 1);
      await sleep(100);
      assert.equal(gifts.length, 0, 'the room was told of no gift');
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
