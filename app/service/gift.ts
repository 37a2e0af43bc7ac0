import { Context, Service } from 'egg';
import { InferAttributes, QueryTypes } from 'sequelize';
import { answerKeys, GIFTS_CHANGED } from '../lib/answer_cache';
import { Gift } from '../model/gift';
import { LiveStatus } from '../model/live';
import { SocketUser } from '../lib/socket_session';
import { dependencyDown, UNCERTAIN_MESSAGE } from '../common/dependency_error';

// A catalogue entry as answered and cached: a plain row.
export type GiftAnswer = Pick<InferAttributes<Gift>, 'id' | 'name' | 'image' | 'coin'>;
// What the console sets of a gift.
export type GiftFields = Pick<InferAttributes<Gift>, 'name' | 'image' | 'coin' | 'hidden'>;

const CREDIT_LIVE = 'UPDATE live SET coin = coin + :price, updated_time = NOW() WHERE id = :liveId AND status IN (:open)';
const DEBIT_USER = 'UPDATE user SET coin = coin - :price, updated_time = NOW() WHERE id = :userId AND coin >= :price';
// NOW() in the connection's time zone (MYSQL_TIMEZONE), as the models write their times.
const INSERT_LIVE_GIFT = 'INSERT INTO live_gift (live_id, user_id, gift_id, created_time, updated_time) VALUES (:liveId, :userId, :giftId, NOW(), NOW())';

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
  // sender loses them, in one transaction with the live_gift row that explains it, or nothing changes. Both updates are conditional (the room open, the balance sufficient), never read-modify-write.
  async send(user: SocketUser, liveId: number, giftId: number): Promise<GiftAnswer> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    // Before the transaction (and from the worker's cache), so a closed room costs no lock; the update decides a race.
    await ctx.service.live.ensureOpen(liveId);
    // A muted user sends no gifts either (their name and gift would show in the room).
    await ctx.service.moderation.ensureNotMuted(liveId, user.id);
    const gift = (await this.list()).find(({ id }) => id === giftId);
    if (!gift) ctx.throw(404, '该礼物不存在');
    const price = gift.coin;
    // Plain SQL and nothing but the transaction's own statements inside it (another query would wait for a second
    // pooled connection): the model layer cost more CPU than the database did here (bench/README.md, gifts).
    let committing = false;
    const outcome = await model.transaction(async transaction => {
      // A free gift moves no coins (and an update that changes nothing counts no row).
      if (price > 0) {
        const options = { replacements: { price, liveId, userId: user.id, open: [ LiveStatus.Live, LiveStatus.Paused ] }, transaction };
        // The live row first (one lock order with first visits: live, then user).
        const [ , opened ] = await model.query(CREDIT_LIVE, { ...options, type: QueryTypes.UPDATE });
        if (opened !== 1) return 'closed';
        const [ , paid ] = await model.query(DEBIT_USER, { ...options, type: QueryTypes.UPDATE });
        // Rolls back the live's gain.
        if (paid !== 1) ctx.throw(400, '金币不足，请先充值');
      }
      await model.query(INSERT_LIVE_GIFT, { replacements: { liveId, userId: user.id, giftId: gift.id }, type: QueryTypes.INSERT, transaction });
      committing = true;
      return 'paid';
    }).catch(err => {
      // Every statement ran and COMMIT itself failed with MySQL gone: it may have committed just before (all of it,
      // never half); the sender is told so rather than to try again.
      if (!committing || !dependencyDown(err)) throw err;
      ctx.logger.warn('[gift] payment of user %s to live %s in doubt: %s', user.id, liveId, (err as Error).message);
      throw Object.assign(new Error(UNCERTAIN_MESSAGE), { status: 503, expose: true });
    });
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
