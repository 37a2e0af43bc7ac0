import { Context, Service } from 'egg';
import { QueryTypes } from 'sequelize';
import { coins } from '../lib/metrics';

const CREDIT_USER = 'UPDATE user SET coin = coin + :amount, updated_time = NOW() WHERE id = :userId';
// Conditional, never read-modify-write: a balance that would go below 0 changes nothing.
const DEBIT_USER = 'UPDATE user SET coin = coin - :amount, updated_time = NOW() WHERE id = :userId AND coin >= :amount';
const LOG_ADJUST = 'INSERT INTO coin_log (user_id, coin, kind, manager_id, note, created_time, updated_time) VALUES (:userId, :coin, \'adjust\', :managerId, :reason, NOW(), NOW())';

// Coins a manager adds or removes in one adjustment, either way.
export const MAX_ADJUSTMENT = 100000000;

export default class CoinService extends Service {
  // The one path of the console's coin movements: the balance changes by `coin` (signed) and a coin_log row says who,
  // whom, how much and why, in one transaction; refused (and nothing written) when the balance would go below 0.
  async adjust(managerId: number, userId: number, coin: number, reason: string): Promise<number> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    if (!Number.isSafeInteger(coin) || coin === 0 || Math.abs(coin) > MAX_ADJUSTMENT) ctx.throw(400, `调整金币须为 1 到 ${MAX_ADJUSTMENT} 之间的整数（可为负）`);
    if (!reason.trim()) ctx.throw(400, '请填写调整原因');
    await model.transaction(async transaction => {
      const replacements = { userId, amount: Math.abs(coin), coin, managerId, reason };
      const [ , changed ] = await model.query(coin > 0 ? CREDIT_USER : DEBIT_USER, { replacements, type: QueryTypes.UPDATE, transaction });
      if (changed !== 1) {
        const exists = await model.User.count({ where: { id: userId }, transaction });
        ctx.throw(exists ? 400 : 404, exists ? '金币不足，调整后余额不能小于 0' : '该用户不存在');
      }
      await model.query(LOG_ADJUST, { replacements, type: QueryTypes.INSERT, transaction });
    });
    coins.inc({ kind: 'adjust' }, Math.abs(coin));
    const user = await model.User.findByPk(userId, { attributes: [ 'coin' ] });
    return user?.coin ?? 0;
  }
}
