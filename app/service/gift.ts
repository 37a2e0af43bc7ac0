import { Context, Service } from 'egg';
import { InferAttributes, QueryTypes } from 'sequelize';
import { Gift } from '../model/gift';
import { LiveStatus } from '../model/live';
import { SocketUser } from '../lib/socket_session';

// A catalogue entry as answered and cached: a plain row.
export type GiftAnswer = Pick<InferAttributes<Gift>, 'id' | 'name' | 'image' | 'coin'>;

const PAY = 'UPDATE live, user SET live.coin = live.coin + :price, user.coin = user.coin - :price ' +
  'WHERE live.id = :liveId AND live.status IN (:open) AND user.id = :userId AND user.coin >= :price';
// NOW() in the connection's time zone (MYSQL_TIMEZONE), as the models write their times.
const RECORD = 'INSERT INTO live_gift (live_id, user_id, gift_id, created_time, updated_time) VALUES (:liveId, :userId, :giftId, NOW(), NOW())';

export default class GiftService extends Service {
  // The catalogue, cheapest first (through this worker's cache: gifts change only by seeding the database).
  async list(): Promise<GiftAnswer[]> {
    return this.app.liveCache.get('gifts', async () => {
      const gifts = await this.ctx.model.Gift.findAll({ attributes: [ 'id', 'name', 'image', 'coin' ], order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]] });
      return gifts.map(gift => gift.get({ plain: true }));
    });
  }

  // The one place coins move: the live gains the gift's coins and the sender loses them, in one transaction, or
  // nothing changes. The update is conditional (the room open, the balance sufficient), never read-modify-write.
  async send(user: SocketUser, liveId: number, giftId: number): Promise<GiftAnswer> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    const gift = (await this.list()).find(({ id }) => id === giftId);
    // The room's refusal comes first, as the course's checks come.
    if (!gift) {
      await ctx.service.live.ensureOpen(liveId);
      ctx.throw(404, '该礼物不存在');
    }
    const price = gift.coin;
    // A paid gift's room is checked by the payment below; a free one moves nothing that could check it.
    if (price === 0) await ctx.service.live.ensureOpen(liveId);
    // Two statements in one transaction, and no other query inside it (it would wait for a second pooled connection).
    // Plain SQL: the model layer cost more CPU than the database did, on the busiest path of a room (bench/README.md).
    const paid = await model.transaction(async transaction => {
      // A free gift moves no coins (and an update that changes nothing counts no row).
      if (price > 0) {
        // One statement moves the coins both ways, the live row locked first (as first visits do, so the two never
        // deadlock): the room must be live or paused, the sender able to pay; otherwise it changes nothing.
        const [ , moved ] = await model.query(PAY, {
          replacements: { price, liveId, userId: user.id, open: [ LiveStatus.Live, LiveStatus.Paused ] },
          type: QueryTypes.UPDATE,
          transaction,
        });
        if (moved !== 2) return false;
      }
      await model.query(RECORD, { replacements: { liveId, userId: user.id, giftId: gift.id }, type: QueryTypes.INSERT, transaction });
      return true;
    });
    if (!paid) {
      // Nothing was written: the room is not open, else the sender cannot pay.
      const refusal = await ctx.service.live.checkStatus(liveId);
      ctx.throw(400, refusal ?? '金币不足，请先充值');
    }
    return gift;
  }
}
