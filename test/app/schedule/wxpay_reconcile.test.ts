import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { QueryTypes } from 'sequelize';
import { registerAndLogin, scheduleOf } from '../../support';
import { buy, coinOf, orderOf, postNotification, useWxpayGateway } from '../../wxpay_support';

type Login = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/schedule/wxpay_reconcile.test.ts', () => {
  const gateway = useWxpayGateway();
  let buyer: Login;

  before(async () => {
    buyer = await registerAndLogin();
    // Pending orders of earlier runs (another gateway's) would only take places in the schedule's batch.
    await app.model.query('UPDATE `order` SET status = \'fail\' WHERE status = \'pending\'');
  });

  afterEach(() => mm.restore());

  // Makes an order look `seconds` old.
  async function age(no: string, seconds: number) {
    await app.model.query('UPDATE `order` SET created_time = NOW() - INTERVAL :seconds SECOND WHERE no = :no', { replacements: { seconds, no } });
  }

  function queriesOf(no: string) {
    return gateway.requests.filter(({ method, path }) => method === 'GET' && path.endsWith(`/${no}`)).length;
  }

  it('runs on one worker every WXPAY_RECONCILE_INTERVAL seconds, and not at all while WeChat Pay is off', () => {
    const { interval } = app.config.wxpay.reconcile;
    // The unit tests' own configuration has no WXPAY_* variables.
    assert.deepEqual(scheduleOf('wxpay_reconcile'), { type: 'worker', interval: interval * 1000, disable: true });
  });

  it('credits a paid order whose notification was lost, through the same single path, once', async () => {
    const { no } = await buy(buyer.token, 15, gateway);
    const paid = gateway.pay(no);
    const before = await coinOf(buyer.id);
    await age(no, app.config.wxpay.reconcile.after + 1);
    await app.runSchedule('wxpay_reconcile');
    const order = await orderOf(no);
    assert.equal(order.status, 'success');
    assert.equal(order.transaction_id, paid.transaction_id);
    assert.equal(await coinOf(buyer.id), before + 15);
    assert.equal(await app.model.CoinLog.count({ where: { order_id: order.id } }), 1);
    // The notification arrives after all, and the schedule runs again: nothing more.
    await postNotification(gateway.notification(paid)).expect(204);
    await app.runSchedule('wxpay_reconcile');
    assert.equal(await coinOf(buyer.id), before + 15);
  });

  it('asks about the orders least lately asked about first, so orders that stay pending cannot hold the batch', async () => {
    const { no: stuck } = await buy(buyer.token, 2, gateway);
    const { no: next } = await buy(buyer.token, 3, gateway);
    for (const no of [ stuck, next ]) await age(no, app.config.wxpay.reconcile.after + 1);
    // Asked about long ago, the newer order comes first; once asked, it goes behind the other.
    await app.model.query('UPDATE `order` SET updated_time = NOW() - INTERVAL 1 DAY WHERE no = :no', { replacements: { no: next } });
    const picked = async () => (await app.model.query<{ no: string }>(
      'SELECT no FROM `order` WHERE status = \'pending\' ORDER BY updated_time, id LIMIT 1', { type: QueryTypes.SELECT }))[0].no;
    assert.equal(await picked(), next);
    await app.runSchedule('wxpay_reconcile');
    assert.equal(queriesOf(next), 1);
    assert.equal((await orderOf(next)).status, 'pending');
    assert((await orderOf(next)).updated_time.getTime() > Date.now() - 60000, 'the check is remembered');
    await app.model.query('UPDATE `order` SET status = \'fail\' WHERE no IN (:nos)', { replacements: { nos: [ stuck, next ] } });
  });

  it('leaves orders younger than WXPAY_RECONCILE_AFTER alone', async () => {
    const { no } = await buy(buyer.token, 1, gateway);
    gateway.pay(no);
    await age(no, app.config.wxpay.reconcile.after - 30);
    await app.runSchedule('wxpay_reconcile');
    assert.equal(queriesOf(no), 0);
    assert.equal((await orderOf(no)).status, 'pending');
  });

  it('keeps an unpaid order pending until it expires, then closes it at WeChat Pay and here as fail', async () => {
    const { no } = await buy(buyer.token, 2, gateway);
    const before = await coinOf(buyer.id);
    await age(no, app.config.wxpay.reconcile.after + 1);
    await app.runSchedule('wxpay_reconcile');
    assert.equal(queriesOf(no), 1);
    assert.equal((await orderOf(no)).status, 'pending');
    assert.equal(gateway.orders.get(no)!.trade_state, 'NOTPAY');

    await age(no, app.config.wxpay.orderTtl + 1);
    await app.runSchedule('wxpay_reconcile');
    assert.equal(gateway.orders.get(no)!.trade_state, 'CLOSED');
    assert.equal((await orderOf(no)).status, 'fail');
    assert.equal(await coinOf(buyer.id), before);
  });

  it('closes as fail an expired order WeChat Pay never heard of, and credits an expired one that was paid', async () => {
    const unknown = await app.model.Order.create({ no: `never-prepaid-${Date.now()}`, user_id: buyer.id, price: 3, amount: 300, coin: 3 });
    const { no: paidLate } = await buy(buyer.token, 4, gateway);
    gateway.pay(paidLate);
    const before = await coinOf(buyer.id);
    await age(unknown.no, app.config.wxpay.orderTtl + 1);
    await age(paidLate, app.config.wxpay.orderTtl + 1);
    await app.runSchedule('wxpay_reconcile');
    assert.equal((await orderOf(unknown.no)).status, 'fail');
    assert.equal((await orderOf(paidLate)).status, 'success');
    assert.equal(await coinOf(buyer.id), before + 4);
  });

  it('credits nothing when the gateway\'s answer to the query is tampered with, and closes nothing', async () => {
    const { no } = await buy(buyer.token, 6, gateway);
    gateway.pay(no);
    const before = await coinOf(buyer.id);
    await age(no, app.config.wxpay.orderTtl + 1);
    gateway.tamper = true;
    await app.runSchedule('wxpay_reconcile');
    assert.equal(queriesOf(no), 1);
    assert.equal((await orderOf(no)).status, 'pending');
    assert.equal(await coinOf(buyer.id), before);
    gateway.tamper = false;
    await app.runSchedule('wxpay_reconcile');
    assert.equal((await orderOf(no)).status, 'success');
    assert.equal(await coinOf(buyer.id), before + 6);
  });

  it('does nothing while WeChat Pay is not configured', async () => {
    const { no } = await buy(buyer.token, 5, gateway);
    gateway.pay(no);
    await age(no, app.config.wxpay.orderTtl + 1);
    mm(app.config, 'wxpay', { ...app.config.wxpay, enable: false });
    await app.runSchedule('wxpay_reconcile');
    assert.equal(queriesOf(no), 0);
    assert.equal((await orderOf(no)).status, 'pending');
  });
});
