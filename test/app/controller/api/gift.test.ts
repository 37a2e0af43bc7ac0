import assert from 'node:assert';
import { createVerify } from 'node:crypto';
import { app, mm } from 'egg-mock/bootstrap';
import { testMerchant } from '../../../lib/wxpay_gateway';
import { appUrl, cheapestGift } from '../../../socket_support';
import { mockLogs, registerAndLogin } from '../../../support';
import { buy, coinOf, orderOf, postNotification, useWxpayGateway } from '../../../wxpay_support';

type Login = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/controller/api/gift.test.ts', () => {
  const gateway = useWxpayGateway();
  let buyer: Login;
  let cheapest: Awaited<ReturnType<typeof cheapestGift>>;

  before(async () => {
    buyer = await registerAndLogin();
    cheapest = await cheapestGift();
  });

  afterEach(() => mm.restore());

  function wxpay(body: object, token = buyer.token) {
    return app.httpRequest().post('/api/gift/wxpay').set('token', token)
      .send(body);
  }

  describe('GET /api/gift/list', () => {
    it('answers GET /api/gift/list with the catalogue', async () => {
      const res = await app.httpRequest().get('/api/gift/list')
        .expect(200);
      assert.equal(res.body.msg, 'ok');
      assert(res.body.data.length >= 6);
      assert.deepEqual(Object.keys(res.body.data[0]).sort(), [ 'coin', 'id', 'image', 'name' ]);
      assert.deepEqual(res.body.data.find((gift: { id: number }) => gift.id === cheapest.id), cheapest);
    });
  });

  describe('POST /api/gift/wxpay', () => {
    it('lets a user order config.rateLimit.wxpayOrder.limit times per window, then answers 429 and orders nothing', async () => {
      const own = await registerAndLogin();
      mm(app.config.rateLimit.wxpayOrder, 'limit', 1);
      mm(app.config.rateLimit.wxpayOrder, 'window', 600);
      await buy(own.token, 3, gateway);
      const res = await wxpay({ price: 3 }, own.token).expect(429);
      assert.deepEqual(res.body, { msg: 'fail', data: '充值下单太频繁，每 10 分钟最多 1 次' });
      assert.equal(await app.model.Order.count({ where: { user_id: own.id } }), 1);
    });

    it('creates a pending order and answers the APP parameters, signed with the merchant key', async () => {
      const { params, no } = await buy(buyer.token, 12, gateway);
      const { merchant } = gateway;
      assert.deepEqual(Object.keys(params).sort(), [ 'appid', 'noncestr', 'package', 'partnerid', 'prepayid', 'sign', 'timestamp' ]);
      assert.equal(params.appid, merchant.appid);
      assert.equal(params.partnerid, merchant.mchid);
      assert.equal(params.package, 'Sign=WXPay');
      assert.match(params.timestamp, /^\d{10}$/);
      assert(Math.abs(Number(params.timestamp) - Date.now() / 1000) < 60);
      const message = `${params.appid}\n${params.timestamp}\n${params.noncestr}\n${params.prepayid}\n`;
      assert(createVerify('RSA-SHA256').update(message).verify(merchant.publicKey, params.sign, 'base64'), 'the sign verifies');
      // The gateway got the order in fen, with the notify URL, from a signed request.
      const asked = gateway.orders.get(no)!;
      assert.equal(asked.amount.total, 1200);
      assert.equal(asked.notify_url, 'https://pay.example.com/api/gift/notify');
      assert.match(asked.time_expire!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      const order = await orderOf(no);
      assert.equal(order.user_id, buyer.id);
      assert.equal(order.price, 12);
      assert.equal(order.amount, 1200);
      assert.equal(order.coin, 12);
      assert.equal(order.status, 'pending');
      assert.equal(await coinOf(buyer.id), buyer.coin, 'nothing is credited before payment');
    });

    it('takes whole yuan from 1 to config.wxpay.maxPrice, with the course\'s message below 1', async () => {
      const before = await app.model.Order.count();
      for (const price of [ 0, -5 ]) {
        const res = await wxpay({ price }).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: '至少充值1元' });
      }
      for (const price of [ 1.5, 'abc', '', null, '1e3', { yuan: 1 }]) {
        const res = await wxpay({ price }).expect(422);
        assert.equal(res.body.msg, 'fail');
        assert.match(res.body.data, /^充值金额/, `price ${JSON.stringify(price)}`);
      }
      await wxpay({}).expect(422);
      const res = await wxpay({ price: 5001 }).expect(422);
      assert.deepEqual(res.body, { msg: 'fail', data: '单次最多充值5000元' });
      assert.equal(await app.model.Order.count(), before, 'no order for a refused price');
      // A form-style string of digits is a whole number too; the maximum itself is allowed.
      await wxpay({ price: '3' }).expect(200);
      await wxpay({ price: 5000 }).expect(200);
    });

    it('needs a token', async () => {
      const res = await app.httpRequest().post('/api/gift/wxpay').send({ price: 1 })
        .expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
    });

    it('answers 503 暂未开通充值 while WeChat Pay is not configured, in production too, and writes nothing', async () => {
      mm(app.config, 'wxpay', { ...app.config.wxpay, enable: false });
      mm(app.config, 'env', 'prod');
      const before = await app.model.Order.count();
      const res = await wxpay({ price: 1 }).expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: '暂未开通充值' });
      assert.equal(await app.model.Order.count(), before);
    });

    it('answers 创建订单失败 and marks the order fail when WeChat Pay refuses', async () => {
      gateway.failWith = { status: 400, code: 'PARAM_ERROR', message: '参数错误' };
      const before = await app.model.Order.max('id') as number;
      const res = await wxpay({ price: 2 }).expect(502);
      assert.deepEqual(res.body, { msg: 'fail', data: '创建订单失败' });
      const order = await app.model.Order.findOne({ order: [[ 'id', 'DESC' ]] });
      assert(order!.id > before);
      assert.equal(order!.status, 'fail');
    });

    it('refuses a tampered gateway answer: 创建订单失败, no parameters, the order fail', async () => {
      gateway.tamper = true;
      const res = await wxpay({ price: 3 }).expect(502);
      assert.deepEqual(res.body, { msg: 'fail', data: '创建订单失败' });
      const order = await app.model.Order.findOne({ order: [[ 'id', 'DESC' ]] });
      assert.equal(order!.status, 'fail');
      // The gateway did answer 200: only the signature check refused it.
      assert(gateway.orders.has(order!.no));
    });

    it('answers 503 创建订单失败 when WeChat Pay cannot be reached', async () => {
      mm(app.config, 'wxpay', { ...app.config.wxpay, baseUrl: 'http://127.0.0.1:1/' });
      const res = await wxpay({ price: 4 }).expect(503);
      assert.deepEqual(res.body, { msg: 'fail', data: '创建订单失败' });
    });
  });

  describe('POST /api/gift/notify', () => {
    it('credits a paid order once, answers 204, and records the payment', async () => {
      const { no } = await buy(buyer.token, 7, gateway);
      const before = await coinOf(buyer.id);
      const transaction = gateway.pay(no);
      const res = await postNotification(gateway.notification(transaction)).expect(204);
      assert.equal(res.text, '');
      assert.equal(await coinOf(buyer.id), before + 7);
      const order = await orderOf(no);
      assert.equal(order.status, 'success');
      assert.equal(order.transaction_id, transaction.transaction_id);
      assert.equal(order.paid_at!.getTime(), Date.parse(transaction.success_time!), 'paid_at is WeChat Pay\'s success_time');
      const log = await app.model.CoinLog.findOne({ where: { order_id: order.id } });
      assert.equal(log!.coin, 7);
      assert.equal(log!.kind, 'recharge');
      assert.equal(log!.user_id, buyer.id);
      // Sent again (WeChat Pay repeats until it hears 2xx): acknowledged, nothing more.
      await postNotification(gateway.notification(transaction)).expect(204);
      assert.equal(await coinOf(buyer.id), before + 7);
    });

    it('credits exactly once under 20 concurrent identical notifications', async () => {
      const { no } = await buy(buyer.token, 9, gateway);
      const before = await coinOf(buyer.id);
      const notification = gateway.notification(gateway.pay(no));
      // Over a listening server: supertest's requests share egg-mock's one server and cannot run side by side.
      const url = `${await appUrl()}/api/gift/notify`;
      const answers = await Promise.all(Array.from({ length: 20 }, () =>
        fetch(url, { method: 'POST', headers: notification.headers, body: notification.body })));
      assert.deepEqual(answers.map(res => res.status), Array(20).fill(204));
      assert.equal(await coinOf(buyer.id), before + 9);
      const order = await orderOf(no);
      assert.equal(await app.model.CoinLog.count({ where: { order_id: order.id } }), 1);
    });

    async function refused(no: string, notification: { headers: Record<string, string>; body: string }, status: number, message: string) {
      const before = await coinOf(buyer.id);
      const res = await postNotification(notification).expect(status);
      assert.deepEqual(res.body, { code: 'FAIL', message });
      assert.equal(await coinOf(buyer.id), before, 'nothing credited');
      assert.equal((await orderOf(no)).status, 'pending');
    }

    it('credits nothing for a wrong amount, merchant or app (4xx: WeChat Pay sends it again), and logs an error', async () => {
      mockLogs();
      const { no } = await buy(buyer.token, 5, gateway);
      const paid = gateway.pay(no);
      await refused(no, gateway.notification({ ...paid, amount: { ...paid.amount, total: 1 } }), 400, '订单信息不符');
      await refused(no, gateway.notification({ ...paid, mchid: '1900000001' }), 400, '订单信息不符');
      await refused(no, gateway.notification({ ...paid, appid: 'wx-another-app' }), 400, '订单信息不符');
      app.expectLog(`[wxpay] order ${no}: paid report does not match (mchid "${paid.mchid}", appid "${paid.appid}", amount 1; expected 500 fen)`);
    });

    it('credits nothing for a bad signature, an unknown serial, a tampered body or resource, or the wrong APIv3 key', async () => {
      const { no } = await buy(buyer.token, 6, gateway);
      const paid = gateway.pay(no);
      const good = gateway.notification(paid);
      const forger = testMerchant();
      await refused(no, gateway.notification(paid, { key: forger.privateKey }), 401, '签名验证失败');
      await refused(no, gateway.notification(paid, { serial: 'AB12' }), 401, '未知的平台证书');
      await refused(no, gateway.notification(paid, { serial: '__proto__' }), 401, '未知的平台证书');
      await refused(no, { ...good, body: good.body.replace('支付成功', '支付成功 ') }, 401, '签名验证失败');
      const unsigned: Record<string, string> = { ...good.headers };
      delete unsigned['wechatpay-signature'];
      await refused(no, { headers: unsigned, body: good.body }, 401, '缺少签名');
      // Signed as WeChat Pay would, but encrypted with another key (or altered before signing): the GCM tag fails.
      await refused(no, gateway.notification(paid, { apiV3Key: forger.apiV3Key }), 400, '通知解密失败');
    });

    it('credits nothing for a notification older (or newer) than 5 minutes', async () => {
      const { no } = await buy(buyer.token, 8, gateway);
      const paid = gateway.pay(no);
      const now = Math.floor(Date.now() / 1000);
      await refused(no, gateway.notification(paid, { timestamp: now - 310 }), 401, '通知已过期');
      await refused(no, gateway.notification(paid, { timestamp: now + 310 }), 401, '通知已过期');
      // Just within: credited.
      await postNotification(gateway.notification(paid, { timestamp: now - 290 })).expect(204);
      assert.equal((await orderOf(no)).status, 'success');
    });

    it('credits nothing for an unknown order (404 FAIL, so WeChat Pay sends it again)', async () => {
      const { no } = await buy(buyer.token, 2, gateway);
      const before = await coinOf(buyer.id);
      const res = await postNotification(gateway.notification({ ...gateway.pay(no), out_trade_no: 'no-such-order-0001' })).expect(404);
      assert.deepEqual(res.body, { code: 'FAIL', message: '订单不存在' });
      assert.equal(await coinOf(buyer.id), before);
      assert.equal((await orderOf(no)).status, 'pending');
    });

    it('refuses every notification while WeChat Pay is not configured, and a body that is not JSON', async () => {
      const { no } = await buy(buyer.token, 3, gateway);
      const notification = gateway.notification(gateway.pay(no));
      const configured = app.config.wxpay;
      mm(app.config, 'wxpay', { ...configured, enable: false });
      const res = await postNotification(notification).expect(503);
      assert.deepEqual(res.body, { code: 'FAIL', message: '暂未开通充值' });
      assert.equal((await orderOf(no)).status, 'pending');
      mm(app.config, 'wxpay', configured);
      const text = await postNotification({ headers: { ...notification.headers, 'content-type': 'text/plain' }, body: notification.body }).expect(400);
      assert.deepEqual(text.body, { code: 'FAIL', message: '通知格式不正确' });
      assert.equal((await orderOf(no)).status, 'pending');
    });
  });
});
