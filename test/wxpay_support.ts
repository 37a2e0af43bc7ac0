import { app, mm } from 'egg-mock/bootstrap';
import { WxpayConfig } from '../app/common/wxpay_config';
import { testMerchant, WxpayGateway } from './lib/wxpay_gateway';

export const NOTIFY_URL = 'https://pay.example.com/api/gift/notify';

// A stand-in gateway for the file's tests and app.config.wxpay pointing at it (set again before each test, since
// tests restore mocks after each).
export function useWxpayGateway() {
  const gateway = new WxpayGateway(testMerchant());
  let config: WxpayConfig;
  before(async () => {
    const baseUrl = await gateway.start();
    const { merchant } = gateway;
    config = {
      ...app.config.wxpay,
      enable: true,
      appid: merchant.appid,
      mchid: merchant.mchid,
      serial: merchant.serial,
      secretKey: merchant.privateKey,
      apiV3Secret: merchant.apiV3Key,
      certs: { [gateway.platformSerial]: gateway.platformPublicKey },
      notifyUrl: NOTIFY_URL,
      baseUrl,
      maxPrice: 5000,
      coinsPerYuan: 1,
    };
  });
  beforeEach(() => {
    mm(app.config, 'wxpay', config);
    gateway.tamper = false;
    gateway.failWith = undefined;
  });
  after(() => gateway.stop());
  return gateway;
}

// Buys coins through the API; answers the APP parameters and the order's number.
export async function buy(token: string, price: number, gateway: WxpayGateway) {
  const res = await app.httpRequest().post('/api/gift/wxpay').set('token', token)
    .send({ price })
    .expect(200);
  const params = res.body.data as Record<string, string>;
  const order = [ ...gateway.orders.values() ].find(item => item.prepay_id === params.prepayid);
  if (!order) throw new Error('the gateway was not asked for this prepay id');
  return { params, no: order.out_trade_no };
}

// Posts a notification (gateway.notification()) the way WeChat Pay does.
export function postNotification(notification: { headers: Record<string, string>; body: string }) {
  return app.httpRequest().post('/api/gift/notify').set(notification.headers)
    .send(notification.body);
}

export async function coinOf(userId: number): Promise<number> {
  return (await app.model.User.findByPk(userId))!.coin;
}

export async function orderOf(no: string) {
  return (await app.model.Order.findOne({ where: { no } }))!;
}
