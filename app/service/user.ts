import { Context, Service } from 'egg';
import { Op, UniqueConstraintError } from 'sequelize';
import { User } from '../model/user';
import { SocketSession, SocketUser, socketUserOf } from '../lib/socket_session';
import { clientAddress } from '../common/client_address';
import { hashPassword, verifyPassword } from '../common/password';
import { MEDIA_CUT, MediaCut } from '../common/media_messages';
import { LIVE_CHANGED, LiveChanged } from '../lib/answer_cache';
import { LiveStatus } from '../model/live';
import { UserStatus } from '../common/moderation';

export default class UserService extends Service {
  private tokenKey(userId: number): string {
    return `user_${userId}`;
  }

  async register(username: string, password: string): Promise<User> {
    const ctx: Context = this.ctx;
    // Cheap answer for a taken name before paying for the hash; the unique index below is what guarantees it.
    if (await ctx.model.User.findOne({ where: { username } })) ctx.throw(400, '用户名已存在');
    try {
      return await ctx.model.User.create({ username, password: await hashPassword(password) });
    } catch (err) {
      // Two registrations of one name at once: the unique index decides.
      if (err instanceof UniqueConstraintError) ctx.throw(400, '用户名已存在');
      throw err;
    }
  }

  // The user (without password) and a fresh token, which replaces any earlier one: one live token per user.
  async login(username: string, password: string) {
    const ctx: Context = this.ctx;
    const { maxFailures, maxAddressFailures } = this.config.auth.login;
    // Attempts are counted before anything is checked (so parallel guesses count too); past a limit nothing is
    // checked until the window ends. Per address over every username, known or not: spraying names is limited too.
    const address = clientAddress(ctx.ip);
    const addressKey = `login_attempts_address_${address}`;
    await this.countAttempt(addressKey, maxAddressFailures);
    // MySQL's collation finds one row under many spellings (case, accents, full-width letters, trailing spaces), so a
    // user's attempts are counted per row found, never per string typed.
    const user = await ctx.model.User.scope('withPassword').findOne({ where: { username } });
    if (!user) ctx.throw(400, '用户不存在或已被禁用');
    // Per user and address: a guesser locks the account from their own address only, never its owner's elsewhere.
    const userKey = `login_attempts_user_${user.id}_${address}`;
    await this.countAttempt(userKey, maxFailures);
    if (!await verifyPassword(password, user.password)) ctx.throw(400, '密码错误');
    // Only after the password: a guesser learns nothing of the account's state.
    if (user.status === UserStatus.Banned) ctx.throw(400, '用户不存在或已被禁用');
    await ctx.service.cache.remove(userKey);
    // A success takes back its own attempt on the address, not the failures (its window may have ended since: -1
    // then grants that address one more attempt in the next window).
    await ctx.service.cache.incr(addressKey, -1, this.config.auth.login.failureWindow);
    const token = ctx.getToken({ id: user.id, username: user.username });
    await ctx.service.cache.set(this.tokenKey(user.id), token, this.config.auth.tokenTtl);
    return { ...user.toJSON(), token };
  }

  // One more attempt under `key`; past `limit` within the window: 429 with Retry-After (the console's logins too).
  async countAttempt(key: string, limit: number): Promise<void> {
    const ctx: Context = this.ctx;
    const { failureWindow } = this.config.auth.login;
    if (await ctx.service.cache.incr(key, 1, failureWindow) > limit) {
      ctx.set('Retry-After', String(failureWindow));
      ctx.throw(429, `密码错误次数过多，请 ${Math.ceil(failureWindow / 60)} 分钟后再试`);
    }
  }

  async logout(userId: number): Promise<void> {
    const ctx: Context = this.ctx;
    if (!await ctx.service.cache.remove(this.tokenKey(userId))) ctx.throw(400, '退出登录失败');
  }

  // Revokes the user's live token (a ban): REST refuses it at once, sockets within config.realtime.authRecheck ms.
  async revokeAll(userId: number): Promise<void> {
    await this.ctx.service.cache.remove(this.tokenKey(userId));
  }

  // The user a token belongs to, with the contract's checks and messages in its order; throws 401 otherwise.
  async authenticate(token?: string): Promise<User> {
    return (await this.check(token)).user;
  }

  // For each (user, token): whether it is no longer the user's live token (a logout or a newer login since).
  async revoked(pairs: Array<{ userId: number; token: string }>): Promise<boolean[]> {
    const stored = await this.ctx.service.cache.getMany<string>(pairs.map(({ userId }) => this.tokenKey(userId)));
    return pairs.map(({ token }, i) => stored[i] !== token);
  }

  // A socket's user, from the token its event carries, else the one it connected with. A token checked for this
  // socket is trusted for config.realtime.authRecheck ms; then Redis is asked whether it is still the user's live
  // token (a logout or a newer login cuts the socket's rights within that time). The user row is read once per token,
  // not at every recheck: a danmaku or a gift costs no JWT check and no query.
  async authenticateSocket(session: SocketSession, token?: string): Promise<SocketUser> {
    const used = token || session.connectionToken;
    const { auth } = session;
    const now = Date.now();
    if (auth && auth.token === used && now < auth.expiresAt) {
      if (now - auth.checkedAt < this.config.realtime.authRecheck) return auth.user;
      const [ revoked ] = await this.revoked([{ userId: auth.user.id, token: auth.token }]);
      if (!revoked) {
        auth.checkedAt = now;
        return auth.user;
      }
    }
    try {
      const { user, expiresAt } = await this.check(used);
      session.auth = { token: used as string, user: socketUserOf(user), checkedAt: now, expiresAt };
      return session.auth.user;
    } catch (err) {
      // The socket's own token refused (logged out, replaced, expired): it holds no user until a token passes again,
      // and the heartbeat unlists it. Another token refused leaves the socket as it was.
      if (auth?.token === used) session.auth = undefined;
      throw err;
    }
  }

  private async check(token?: string): Promise<{ user: User; expiresAt: number }> {
    const ctx: Context = this.ctx;
    if (!token) ctx.throw(401, '您没有权限访问该接口!');
    let payload: { id: number; exp?: number };
    try {
      payload = ctx.checkToken(token);
    } catch (err) {
      return ctx.throw(401, (err as Error).name === 'TokenExpiredError' ? 'token 已过期! 请重新获取令牌' : 'Token 令牌不合法!');
    }
    if (!Number.isInteger(payload.id)) ctx.throw(401, 'Token 令牌不合法!');
    // Only the token stored at the last login is valid: logout or a newer login revokes it.
    if (await ctx.service.cache.get<string>(this.tokenKey(payload.id)) !== token) ctx.throw(401, 'Token 令牌不合法!');
    const user = await ctx.model.User.findByPk(payload.id);
    if (!user || user.status === UserStatus.Banned) ctx.throw(401, '用户不存在或已被禁用');
    return { user, expiresAt: (payload.exp ?? Infinity) * 1000 };
  }

  // The console's list: newest first, optionally users whose name or nickname holds `search`.
  async adminList(page: number, limit: number, search = '') {
    const like = `%${search.replace(/[\\%_]/g, char => `\\${char}`)}%`;
    const where = search ? { [Op.or]: [{ username: { [Op.like]: like } }, { nickname: { [Op.like]: like } }] } : {};
    return this.ctx.model.User.findAndCountAll({ where, order: [[ 'id', 'DESC' ]], limit, offset: (page - 1) * limit });
  }

  async find(id: number): Promise<User> {
    const ctx: Context = this.ctx;
    const user = await ctx.model.User.findByPk(id);
    if (!user) ctx.throw(404, '该用户不存在');
    return user;
  }

  // Nickname and avatar: the console's edit (coins move through service.coin only).
  async updateProfile(id: number, nickname: string, avatar: string): Promise<User> {
    return (await this.find(id)).update({ nickname, avatar });
  }

  // Only a user whose removal loses no record of money: no coins, no gifts sent, no orders, no coin_log rows, no room
  // that received gifts (the cascades would delete them all). Their token goes with them.
  async remove(id: number): Promise<void> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    const rooms = await model.transaction(async transaction => {
      // Locked: a gift or a recharge under way (both update this row) waits, then finds no user.
      const user = await model.User.findByPk(id, { lock: true, transaction });
      if (!user) ctx.throw(404, '该用户不存在');
      const owned = await model.Live.findAll({ where: { user_id: id }, attributes: [ 'id', 'key', 'coin', 'status' ], transaction });
      const [ sent, received, orders, logs ] = await Promise.all([
        model.LiveGift.count({ where: { user_id: id }, transaction }),
        owned.length ? model.LiveGift.count({ where: { live_id: owned.map(room => room.id) }, transaction }) : 0,
        model.Order.count({ where: { user_id: id }, transaction }),
        model.CoinLog.count({ where: { user_id: id }, transaction }),
      ]);
      if (user.coin > 0) ctx.throw(400, '该用户还有金币，不能删除');
      if (sent || orders || logs) ctx.throw(400, '该用户有礼物、订单或金币记录，不能删除');
      if (received || owned.some(room => room.coin > 0)) ctx.throw(400, '该用户的直播间收到过礼物，不能删除');
      await user.destroy({ transaction });
      return owned;
    });
    await ctx.service.cache.remove(this.tokenKey(id));
    // Their rooms went with them: any still streaming is cut, and no worker answers them from its cache.
    for (const room of rooms) {
      this.app.answerCache.forgetRoom(room.id);
      this.app.messenger.sendToApp(LIVE_CHANGED, { id: room.id } satisfies LiveChanged);
      if (room.status !== LiveStatus.Ended) this.app.messenger.sendToAgent(MEDIA_CUT, { key: room.key, id: room.id } satisfies MediaCut);
    }
  }
}
