import { Context, Service } from 'egg';
import { literal, Op } from 'sequelize';
import { Gift } from '../model/gift';
import { LiveStatus } from '../model/live';
import { User } from '../model/user';

export default class GiftService extends Service {
  // The catalogue, cheapest first.
  async list(): Promise<Gift[]> {
    return this.ctx.model.Gift.findAll({ attributes: [ 'id', 'name', 'image', 'coin' ], order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]] });
  }

  // The one place coins move: the live gains the gift's coins and the sender loses them, in one transaction, or
  // nothing changes. Both updates are conditional (the room open, the balance sufficient), never read-modify-write.
  async send(user: User, liveId: number, giftId: number): Promise<Gift> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    // Checked before the transaction, so a closed room costs no lock; the update below decides a race.
    await ctx.service.live.ensureOpen(liveId);
    const gift = await model.Gift.findByPk(giftId);
    if (!gift) ctx.throw(404, '该礼物不存在');
    const price = gift.coin;
    // Nothing but the transaction's own queries inside it: another query would wait for a second pooled connection.
    const outcome = await model.transaction(async transaction => {
      // A free gift moves no coins (and an update that changes nothing counts no row).
      if (price > 0) {
        // The live row first (one lock order with first visits: live, then user).
        const [ opened ] = await model.Live.update({ coin: literal(`coin + ${price}`) },
          { where: { id: liveId, status: [ LiveStatus.Live, LiveStatus.Paused ] }, transaction });
        if (!opened) return 'closed';
        const [ paid ] = await model.User.update({ coin: literal(`coin - ${price}`) },
          { where: { id: user.id, coin: { [Op.gte]: price } }, transaction });
        // Rolls back the live's gain.
        if (!paid) ctx.throw(400, '金币不足，请先充值');
      }
      await model.LiveGift.create({ live_id: liveId, user_id: user.id, gift_id: gift.id }, { transaction });
      return 'paid';
    });
    // The room closed between the check and the update: nothing was written.
    if (outcome === 'closed') ctx.throw(400, await ctx.service.live.checkStatus(liveId) ?? '直播间不存在');
    return gift;
  }
}
