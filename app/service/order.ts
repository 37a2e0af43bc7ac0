import { Service } from 'egg';
import { Op, QueryTypes, WhereOptions } from 'sequelize';
import { Order, OrderStatus } from '../model/order';
import { connectionOffset, formatDateTime } from '../common/columns';
import { AppPayParams, NotificationHeaders, Wxpay, wxpayOf, WxpayTransaction } from '../lib/wxpay';
import { coins, ordersPaid } from '../lib/metrics';

// What the notification route answers WeChat Pay: 204 when handled (it stops sending), else a status and a reason
// (a 4xx or 5xx makes it send again later).
export interface NotifyAnswer {
  status: number;
  message?: string;
}

// What one payment report (a notification or an order query) did to its order.
export type SettleOutcome = 'credited' | 'duplicate' | 'unknown' | 'mismatch' | 'unpaid';

// Orders the schedule asks WeChat Pay about in one run, oldest first.
const RECONCILE_BATCH = 100;

// `order` is a reserved word: quoted in every statement.
const MARK_PAID = 'UPDATE `order` SET status = \'success\', transaction_id = :transactionId, paid_at = :paidAt, updated_time = NOW() WHERE id = :id AND status = \'pending\'';
const CREDIT_USER = 'UPDATE user SET coin = coin + :coin, updated_time = NOW() WHERE id = :userId';
const LOG_RECHARGE = 'INSERT INTO coin_log (user_id, coin, kind, order_id, note, created_time, updated_time) VALUES (:userId, :coin, \'recharge\', :id, :note, NOW(), NOW())';
const MARK_FAILED = 'UPDATE `order` SET status = \'fail\', updated_time = NOW() WHERE id = :id AND status = \'pending\'';
// NOW() in the connection's time zone, the one created_time was written in.
// Least lately asked about first (ASKED touches each), so orders that stay pending cannot hold the batch for ever.
const STALE_PENDING = 'SELECT id, no, created_time <= NOW() - INTERVAL :ttl SECOND AS expired FROM `order` ' +
  'WHERE status = \'pending\' AND created_time <= NOW() - INTERVAL :after SECOND ORDER BY updated_time, id LIMIT :limit';
const ASKED = 'UPDATE `order` SET updated_time = NOW() WHERE id = :id AND status = \'pending\'';

export default class OrderService extends Service {
  // Refuses (503, 暂未开通充值) while WeChat Pay is not configured.
  client(): Wxpay {
    const { config } = this.app;
    if (!config.wxpay.enable) this.ctx.throw(503, '暂未开通充值', { expose: true });
    return wxpayOf(config.wxpay);
  }

  // A pending order of `price` yuan and the APP's payment parameters for it. When WeChat Pay gives no prepay id the
  // order is marked fail: the client never got anything it could pay with.
  async create(userId: number, price: number): Promise<AppPayParams> {
    const { ctx } = this;
    const wxpay = this.client();
    const { coinsPerYuan, orderTtl } = wxpay.config;
    const no = formatDateTime(new Date(), '+08:00').replace(/\D/g, '') + ctx.randomString(12);
    const order = await ctx.model.Order.create({ no, user_id: userId, price, amount: price * 100, coin: price * coinsPerYuan });
    try {
      const prepayId = await wxpay.prepayApp({ no, amount: order.amount, description: `充值${price}元`, expireAt: new Date(Date.now() + orderTtl * 1000) });
      return wxpay.appParams(prepayId);
    } catch (err) {
      ctx.logger.error('[wxpay] no prepay id for order %s: %s', no, (err as Error).message);
      await ctx.model.query(MARK_FAILED, { replacements: { id: order.id }, type: QueryTypes.UPDATE });
      const status = (err as { status?: number }).status ? 502 : 503;
      return ctx.throw(status, '创建订单失败', { expose: true });
    }
  }

  // A payment notification: its signature and freshness, its resource decrypted, then the one crediting path.
  async notify(headers: NotificationHeaders, rawBody: unknown): Promise<NotifyAnswer> {
    const { ctx } = this;
    const { config } = this.app;
    if (!config.wxpay.enable) return { status: 503, message: '暂未开通充值' };
    if (typeof rawBody !== 'string' || !rawBody) return { status: 400, message: '通知格式不正确' };
    const wxpay = wxpayOf(config.wxpay);
    const refused = wxpay.checkNotification(headers, rawBody);
    if (refused) {
      ctx.logger.warn('[wxpay] notification refused: %s (serial %s)', refused, headers.serial);
      return { status: 401, message: refused };
    }
    let transaction: WxpayTransaction;
    try {
      const body = JSON.parse(rawBody);
      // Payment notifications are the only kind this URL is given; anything else is acknowledged and ignored.
      if (body?.event_type !== 'TRANSACTION.SUCCESS') return { status: 204 };
      transaction = wxpay.decrypt(body.resource ?? {});
    } catch (err) {
      ctx.logger.warn('[wxpay] notification not decrypted: %s', (err as Error).message);
      return { status: 400, message: '通知解密失败' };
    }
    const outcome = await this.settle(transaction);
    if (outcome === 'unknown') return { status: 404, message: '订单不存在' };
    if (outcome === 'mismatch') return { status: 400, message: '订单信息不符' };
    return { status: 204 };
  }

  // The one path that credits an order: a paid report that matches the order's merchant, app and amount moves it
  // from pending to success and credits its coins, in one transaction. The conditional update decides every race,
  // so however many reports of one payment arrive, the coins are credited once.
  async settle(transaction: WxpayTransaction): Promise<SettleOutcome> {
    const { ctx } = this;
    const { model } = ctx;
    const { mchid, appid } = this.app.config.wxpay;
    const no = transaction.out_trade_no;
    const order = typeof no === 'string' ? await model.Order.findOne({ where: { no } }) : null;
    if (!order) {
      ctx.logger.error('[wxpay] a payment report for an unknown order %j', no);
      return 'unknown';
    }
    if (transaction.trade_state !== 'SUCCESS') return 'unpaid';
    if (transaction.mchid !== mchid || transaction.appid !== appid || transaction.amount?.total !== order.amount) {
      ctx.logger.error('[wxpay] order %s: paid report does not match (mchid %j, appid %j, amount %j; expected %d fen)',
        no, transaction.mchid, transaction.appid, transaction.amount?.total, order.amount);
      return 'mismatch';
    }
    if (order.status !== 'pending') {
      if (order.status === 'fail') ctx.logger.error('[wxpay] order %s was closed as fail, yet WeChat Pay reports it paid', no);
      return 'duplicate';
    }
    const reported = new Date(transaction.success_time ?? Date.now());
    const paidAt = Number.isNaN(reported.getTime()) ? new Date() : reported;
    // Raw replacements would write a Date in UTC; the column holds times at the connection's offset, as the models do.
    const offset = connectionOffset(model);
    // Tracked: a shutdown lets the transaction finish (reconcile runs it outside any request).
    const credited = await this.app.inFlight.track(() => model.transaction(async t => {
      const replacements = {
        id: order.id, userId: order.user_id, coin: order.coin, note: `订单 ${no}`,
        transactionId: transaction.transaction_id ?? null, paidAt: formatDateTime(paidAt, offset),
      };
      const [ , changed ] = await model.query(MARK_PAID, { replacements, type: QueryTypes.UPDATE, transaction: t });
      if (changed !== 1) return false;
      await model.query(CREDIT_USER, { replacements, type: QueryTypes.UPDATE, transaction: t });
      await model.query(LOG_RECHARGE, { replacements, type: QueryTypes.INSERT, transaction: t });
      return true;
    }));
    if (credited) {
      ctx.logger.info('[wxpay] order %s paid: %d coins to user %d', no, order.coin, order.user_id);
      ordersPaid.inc();
      coins.inc({ kind: 'recharge' }, order.coin);
    }
    return credited ? 'credited' : 'duplicate';
  }

  // For orders pending longer than reconcile.after seconds (their notification may be lost): asks WeChat Pay, credits
  // the paid ones through settle(), and closes the expired unpaid ones, at WeChat Pay first, then here as fail.
  async reconcile(): Promise<{ credited: number; failed: number }> {
    const { ctx, app } = this;
    const result = { credited: 0, failed: 0 };
    if (!app.config.wxpay.enable) return result;
    const wxpay = wxpayOf(app.config.wxpay);
    const { orderTtl: ttl, reconcile: { after } } = wxpay.config;
    const rows = await ctx.model.query<{ id: number; no: string; expired: number }>(STALE_PENDING, {
      replacements: { ttl, after, limit: RECONCILE_BATCH }, type: QueryTypes.SELECT,
    });
    for (const { id, no, expired } of rows) {
      try {
        const transaction = await wxpay.query(no);
        if (transaction?.trade_state === 'SUCCESS') {
          if (await this.settle(transaction) === 'credited') result.credited++;
          continue;
        }
        if (!expired) continue;
        // WeChat Pay refuses to close a paid order, so an order paid meanwhile stays pending and is credited next run.
        if (transaction && transaction.trade_state !== 'CLOSED') await wxpay.close(no);
        const [ , changed ] = await ctx.model.query(MARK_FAILED, { replacements: { id }, type: QueryTypes.UPDATE });
        if (changed === 1) result.failed++;
      } catch (err) {
        ctx.logger.warn('[wxpay] reconcile order %s: %s', no, (err as Error).message);
      } finally {
        await ctx.model.query(ASKED, { replacements: { id }, type: QueryTypes.UPDATE });
      }
    }
    return result;
  }

  // The console's list: newest first, optionally one status and one user (by id, or by name).
  async adminList(page: number, limit: number, status?: OrderStatus, user?: string) {
    const { model } = this.ctx;
    const where: WhereOptions<Order> = status ? { status } : {};
    const userWhere = user ? (/^\d+$/.test(user) ? { [Op.or]: [{ id: Number(user) }, { username: user }] } : { username: user }) : undefined;
    return model.Order.findAndCountAll({
      where,
      include: [{ model: model.User, attributes: [ 'id', 'username', 'nickname' ], where: userWhere, required: Boolean(userWhere) }],
      order: [[ 'id', 'DESC' ]],
      limit,
      offset: (page - 1) * limit,
    });
  }
}
