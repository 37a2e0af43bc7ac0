import { Context, Service } from 'egg';
import { DatabaseError, InferAttributes, QueryTypes, TimeoutError } from 'sequelize';
import { answerKeys, GIFTS_CHANGED } from '../lib/answer_cache';
import { Gift } from '../model/gift';
import { SocketUser } from '../lib/socket_session';
import { dependencyDown, UNCERTAIN_MESSAGE } from '../common/dependency_error';
import { procedureRow } from '../common/procedure';

// A catalogue entry as answered and cached: a plain row.
export type GiftAnswer = Pick<InferAttributes<Gift>, 'id' | 'name' | 'image' | 'coin'>;
// What the console sets of a gift.
export type GiftFields = Pick<InferAttributes<Gift>, 'name' | 'image' | 'coin' | 'hidden'>;

// The payment in one round trip (database/migrations/20261202300001-create-gift-pay-procedure.js): the live gains the
// price if it is live or paused, the sender loses it if it suffices, and the live_gift row is written, in one
// transaction on the server, or nothing is. Its one row says which: paid, closed or poor.
const GIFT_PAY = 'CALL gift_pay(:liveId, :userId, :giftId, :price)';
type Outcome = 'paid' | 'closed' | 'poor';

export default class GiftService extends Service {
  // The catalogue without hidden gifts, cheapest first (through this worker's cache, which every worker drops when the
  // console changes a gift: catalogueChanged).
  async list(): Promise<GiftAnswer[]> {
    return this.app.answerCache.get(answerKeys.gifts, async () => {
      const gifts = await this.ctx.model.Gift.findAll({
        attributes: [ 'id', 'name', 'image', 'coin' ],
        where: { hidden: false },
        order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]],
      });
      return gifts.map(gift => gift.get({ plain: true }));
    });
  }

  // The one place gifts move coins (recharges credit in service.order.settle): the live gains the gift's coins and the
  // sender loses them, in one transaction with the live_gift row that explains it, or nothing changes. Both updates are
  // conditional (the room open, the balance sufficient), never read-modify-write.
  async send(user: SocketUser, liveId: number, giftId: number): Promise<GiftAnswer> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    // Before the payment (and from the worker's cache), so a closed room costs no lock; the update decides a race.
    await ctx.service.live.ensureOpen(liveId);
    // A muted user sends no gifts either (their name and gift would show in the room).
    await ctx.service.moderation.ensureNotMuted(liveId, user.id);
    const gift = (await this.list()).find(({ id }) => id === giftId);
    if (!gift) ctx.throw(404, '该礼物不存在');
    // One statement rather than BEGIN, two updates, an insert and COMMIT through the model layer: that path cost more
    // CPU than the database did here (bench/README.md, gifts).
    const outcome = await model.query(GIFT_PAY, {
      replacements: { liveId, userId: user.id, giftId: gift.id, price: gift.coin }, type: QueryTypes.RAW,
    }).then(result => outcomeOf(result)).catch(err => {
      // MySQL went away once the call was sent (its connection lost, not refused, and no lock timeout, which rolls
      // back): it may have committed just before (all of it, never half); the sender is told so rather than to try again.
      if (!(err instanceof DatabaseError) || err instanceof TimeoutError || !dependencyDown(err)) throw err;
      ctx.logger.warn('[gift] payment of user %s to live %s in doubt: %s', user.id, liveId, (err as Error).message);
      throw Object.assign(new Error(UNCERTAIN_MESSAGE), { status: 503, expose: true });
    });
    if (outcome === 'poor') ctx.throw(400, '金币不足，请先充值');
    // The room closed between the check and the update: nothing was written.
    if (outcome === 'closed') ctx.throw(400, await ctx.service.live.checkStatus(liveId) ?? '直播间不存在');
    return gift;
  }

  // The console's list: every gift, hidden ones too, newest first.
  async adminList(page: number, limit: number) {
    return this.ctx.model.Gift.findAndCountAll({ order: [[ 'id', 'DESC' ]], limit, offset: (page - 1) * limit });
  }

  async find(id: number): Promise<Gift> {
    const ctx: Context = this.ctx;
    const gift = await ctx.model.Gift.findByPk(id);
    if (!gift) ctx.throw(404, '该礼物不存在');
    return gift;
  }

  async create(fields: GiftFields): Promise<Gift> {
    const gift = await this.ctx.model.Gift.create(fields);
    this.catalogueChanged();
    return gift;
  }

  async update(id: number, fields: Partial<GiftFields>): Promise<Gift> {
    const gift = await (await this.find(id)).update(fields);
    this.catalogueChanged();
    return gift;
  }

  // Only a gift never sent: live_gift rows (what rooms received, what users spent) name it. Such a gift is hidden instead.
  async remove(id: number): Promise<void> {
    const ctx: Context = this.ctx;
    await ctx.model.transaction(async transaction => {
      // Locked: a gift being sent now (its live_gift row checks this row) waits, then fails rather than being lost.
      const gift = await ctx.model.Gift.findByPk(id, { lock: true, transaction });
      if (!gift) ctx.throw(404, '该礼物不存在');
      if (await ctx.model.LiveGift.count({ where: { gift_id: id }, transaction })) ctx.throw(400, '该礼物已被送出过，不能删除，可以隐藏');
      await gift.destroy({ transaction });
    });
    this.catalogueChanged();
  }

  // Every worker's cached catalogue goes: this one's at once, the others' through the messenger.
  private catalogueChanged(): void {
    this.app.answerCache.forget(answerKeys.gifts);
    this.app.messenger.sendToApp(GIFTS_CHANGED, {});
  }
}

// The first row of the CALL's answer (Sequelize passes mysql2's result sets on as they come, nested or not).
function outcomeOf(result: unknown): Outcome {
  const outcome = procedureRow(result)?.outcome;
  if (outcome !== 'paid' && outcome !== 'closed' && outcome !== 'poor') throw new Error(`gift_pay answered ${JSON.stringify(result)}`);
  return outcome;
}
