import { Controller } from 'egg';
import { integer } from '../../common/validation';

export default class GiftController extends Controller {
  // GET /api/gift/list: the catalogue, [{id, name, image, coin}].
  async list() {
    const { ctx, service } = this;
    ctx.apiSuccess(await service.gift.list());
  }

  // POST /api/gift/wxpay {price}: a pending order and the APP's WeChat Pay parameters for it.
  async wxpay() {
    const { ctx, service } = this;
    service.order.client();
    ctx.validate({ price: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
    const price = Number(ctx.request.body.price);
    if (price < 1) ctx.throw(422, '至少充值1元');
    const { maxPrice } = this.app.config.wxpay;
    if (price > maxPrice) ctx.throw(422, `单次最多充值${maxPrice}元`);
    ctx.apiSuccess(await service.order.create(ctx.authUser.id, price));
  }

  // POST /api/gift/notify: WeChat Pay's payment notification, answered as it expects (204, or a status and
  // {code: 'FAIL', message}) rather than in the course envelope. The signature covers the body as sent: rawBody.
  async notify() {
    const { ctx, service } = this;
    const headers = {
      timestamp: ctx.get('wechatpay-timestamp'),
      nonce: ctx.get('wechatpay-nonce'),
      signature: ctx.get('wechatpay-signature'),
      serial: ctx.get('wechatpay-serial'),
    };
    const answer = await service.order.notify(headers, ctx.request.rawBody);
    ctx.status = answer.status;
    if (answer.message) ctx.body = { code: 'FAIL', message: answer.message };
  }
}
