import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { QueryTypes } from 'sequelize';
import { coins, ordersPaid } from '../../../app/lib/metrics';
import { registerAndLogin } from '../../support';
import { buy, coinOf, orderOf, postNotification, useWxpayGateway } from '../../wxpay_support';

type Login = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/service/order.test.ts', () => {
  const gateway = useWxpayGateway();
  let buyer: Login;

  before(async () => {
    buyer = await registerAndLogin();
  });

  afterEach(() => mm.restore());

  function service() {
    return app.mockContext().service.order;
  }

  async function coinSum(): Promise<number> {
    const [ row ] = await app.model.query<{ total: string | number }>('SELECT COALESCE(SUM(coin), 0) AS total FROM user', { type: QueryTypes.SELECT });
    return Number(row.total);
  }

  describe('settle()', () => {
    it('credits a matching paid report once: credited, then duplicate', async () => {
      const { no } = await buy(buyer.token, 10, gateway);
      const paid = gateway.pay(no);
      const before = await coinOf(buyer.id);
      assert.equal(await service().settle(paid), 'credited');
      assert.equal(await service().settle(paid), 'duplicate');
      assert.equal(await coinOf(buyer.id), before + 10);
    });

    it('counts a credited order and its coins in /metrics, a duplicate report not again', async () => {
      const counted = async () => ({
        orders: (await ordersPaid.get()).values[0]?.value ?? 0,
        coins: (await coins.get()).values.find(({ labels }) => labels.kind === 'recharge')?.value ?? 0,
      });
      const { no } = await buy(buyer.token, 10, gateway);
      const paid = gateway.pay(no);
      const before = await counted();
      assert.equal(await service().settle(paid), 'credited');
      assert.equal(await service().settle(paid), 'duplicate');
      const after = await counted();
      assert.deepEqual({ orders: after.orders - before.orders, coins: after.coins - before.coins },
        { orders: 1, coins: (await orderOf(no)).coin });
    });

    it('credits the coins fixed when the order was made, whatever COINS_PER_YUAN says later', async () => {
      const configured = app.config.wxpay;
      mm(app.config, 'wxpay', { ...configured, coinsPerYuan: 10 });
      const { no } = await buy(buyer.token, 3, gateway);
      assert.equal((await orderOf(no)).coin, 30);
      mm(app.config, 'wxpay', { ...configured, coinsPerYuan: 1 });
      const before = await coinOf(buyer.id);
      assert.equal(await service().settle(gateway.pay(no)), 'credited');
      assert.equal(await coinOf(buyer.id), before + 30);
    });

    it('answers unpaid, unknown and mismatch without crediting', async () => {
      const { no } = await buy(buyer.token, 4, gateway);
      const unpaid = gateway.transaction(gateway.orders.get(no)!);
      const before = await coinOf(buyer.id);
      assert.equal(await service().settle(unpaid), 'unpaid');
      const paid = gateway.pay(no);
      assert.equal(await service().settle({ ...paid, out_trade_no: 'no-such-order' }), 'unknown');
      assert.equal(await service().settle({ ...paid, amount: { total: 399 } }), 'mismatch');
      assert.equal(await service().settle({ ...paid, mchid: 'another' }), 'mismatch');
      assert.equal(await service().settle({ ...paid, appid: 'another' }), 'mismatch');
      assert.equal(await coinOf(buyer.id), before);
      assert.equal((await orderOf(no)).status, 'pending');
    });

    it('never credits an order already closed as fail', async () => {
      const { no } = await buy(buyer.token, 5, gateway);
      await app.model.Order.update({ status: 'fail' }, { where: { no } });
      const before = await coinOf(buyer.id);
      assert.equal(await service().settle(gateway.pay(no)), 'duplicate');
      assert.equal(await coinOf(buyer.id), before);
      assert.equal((await orderOf(no)).status, 'fail');
    });
  });

  it('moves the coin sum over users only by what orders credited, every credit explained by a coin_log row', async () => {
    const users = [ buyer, await registerAndLogin(), await registerAndLogin() ];
    const sumBefore = await coinSum();
    const firstOrder = (await app.model.Order.max('id') as number) + 1;
    const orders: string[] = [];
    for (const [ i, user ] of users.entries()) {
      for (const price of [ 1, 7, 20 ]) orders.push((await buy(user.token, price + i, gateway)).no);
    }
    // a paid and told; b told twice and queried at once; c told a wrong amount; d told too late; e paid and found by
    // a query; f told while still unpaid; the rest never paid.
    const [ a, b, c, d, e, f ] = orders;
    await postNotification(gateway.notification(gateway.pay(a))).expect(204);
    const twice = gateway.notification(gateway.pay(b));
    await Promise.all([ service().settle(gateway.transaction(gateway.orders.get(b)!)), postNotification(twice).expect(204) ]);
    await postNotification(twice).expect(204);
    const wrong = gateway.pay(c);
    await postNotification(gateway.notification({ ...wrong, amount: { total: wrong.amount.total * 10 } })).expect(400);
    await postNotification(gateway.notification(gateway.pay(d), { timestamp: Math.floor(Date.now() / 1000) - 600 })).expect(401);
    gateway.pay(e);
    await service().settle(gateway.transaction(gateway.orders.get(e)!));
    await postNotification(gateway.notification(gateway.transaction(gateway.orders.get(f)!))).expect(204);

    const [ credited ] = await app.model.query<{ coin: string | number; logged: string | number; paid: string | number }>(
      'SELECT COALESCE(SUM(o.coin), 0) AS coin, COALESCE(SUM(l.coin), 0) AS logged, COUNT(*) AS paid FROM `order` o ' +
      'LEFT JOIN coin_log l ON l.order_id = o.id WHERE o.id >= :firstOrder AND o.status = \'success\'',
      { replacements: { firstOrder }, type: QueryTypes.SELECT });
    assert.equal(Number(credited.paid), 3, 'a, b and e are paid');
    // a: 1 yuan (first user), b: 7 (first user), e: 8 (second user, 7 + 1).
    assert.equal(Number(credited.coin), 1 + 7 + 8);
    assert.equal(Number(credited.logged), Number(credited.coin));
    assert.equal(await coinSum() - sumBefore, Number(credited.coin));
  });

  it('refuses to create an order while WeChat Pay is not configured (503 暂未开通充值)', async () => {
    mm(app.config, 'wxpay', { ...app.config.wxpay, enable: false });
    await assert.rejects(service().create(buyer.id, 1), (err: { status: number; message: string }) =>
      err.status === 503 && err.message === '暂未开通充值');
    assert.deepEqual(await service().reconcile(), { credited: 0, failed: 0 });
  });
});
