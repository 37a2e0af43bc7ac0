import { Context, Service } from 'egg';
import { QueryTypes, Transaction, UniqueConstraintError, WhereOptions } from 'sequelize';
import { LIVE_CHANGED, LiveChanged } from '../lib/answer_cache';
import { liveRoom } from '../lib/socket_session';
import {
  Actor, COMMENT_HIDDEN, MAX_MODERATION_SECONDS, MODERATION_MESSAGES, ModerationAction, ModerationNotice, UserStatus,
} from '../common/moderation';
import { Live } from '../model/live';
import { Moderation } from '../model/moderation';

// What an actor is in a room: managers act everywhere, owners and moderators in their room.
type Role = 'manager' | 'owner' | 'moderator';

export interface ModeratorAnswer { id: number; username: string; nickname: string; avatar: string }
const MODERATORS_OF = 'SELECT `user`.id, `user`.username, `user`.nickname, `user`.avatar FROM live_moderator ' +
  'JOIN `user` ON `user`.id = live_moderator.user_id WHERE live_moderator.live_id = :liveId ORDER BY live_moderator.id';

// Rooms' moderators, mutes, kicks, hidden danmaku and platform bans. Every action is checked here (REST, sockets and
// the console call the same methods), stored in `moderation`, and mutes and kicks are kept in Redis with their expiry
// so every worker and host sees them at once.
export default class ModerationService extends Service {
  // The Redis channel workers tell each other's sockets on (app/lib/moderation_listener.ts).
  get channel(): string {
    return `${this.config.cache.prefix}moderation`;
  }

  async mute(actor: Actor, liveId: number, userId: number, seconds: number, reason = '') {
    return this.restrict('mute', actor, liveId, userId, seconds, reason);
  }

  // Lifts a mute at once.
  async unmute(actor: Actor, liveId: number, userId: number) {
    const { ctx } = this;
    await this.authorize(actor, liveId, userId);
    await ctx.model.transaction(async transaction => {
      await this.record(actor, 'unmute', { user_id: userId, live_id: liveId }, transaction);
      await ctx.service.cache.remove(this.muteKey(liveId, userId));
    });
  }

  // Out of the room on every worker at once, and refused joining it again for `seconds`.
  async kick(actor: Actor, liveId: number, userId: number, seconds: number, reason = '') {
    const until = await this.restrict('kick', actor, liveId, userId, seconds, reason);
    await this.notify({ type: 'kick', liveId, userId, seconds });
    return until;
  }

  // Platform-wide, by managers only: login refused, every token revoked, every socket cut.
  async ban(actor: Actor, userId: number, reason = '') {
    const ctx: Context = this.ctx;
    if (actor.kind !== 'manager') ctx.throw(403, '只有管理员可以禁用用户');
    await this.targetUser(userId);
    this.checkReason(reason);
    await ctx.model.transaction(async transaction => {
      const [ changed ] = await ctx.model.User.update({ status: UserStatus.Banned },
        { where: { id: userId, status: UserStatus.Active }, transaction });
      if (!changed) ctx.throw(400, '该用户已被禁用');
      await this.record(actor, 'ban', { user_id: userId, reason }, transaction);
    });
    await ctx.service.user.revokeAll(userId);
    await this.notify({ type: 'ban', userId });
  }

  async unban(actor: Actor, userId: number) {
    const ctx: Context = this.ctx;
    if (actor.kind !== 'manager') ctx.throw(403, '只有管理员可以解禁用户');
    await this.targetUser(userId);
    await ctx.model.transaction(async transaction => {
      const [ changed ] = await ctx.model.User.update({ status: UserStatus.Active },
        { where: { id: userId, status: UserStatus.Banned }, transaction });
      if (!changed) ctx.throw(400, '该用户未被禁用');
      await this.record(actor, 'unban', { user_id: userId }, transaction);
    });
  }

  // Stored as hidden, and the room is told `commentHidden {id}` so clients take it off the screen. Hiding a hidden
  // danmaku again changes nothing and is not an error.
  async hideComment(actor: Actor, liveId: number, commentId: number) {
    const ctx: Context = this.ctx;
    const { role, live } = await this.authorize(actor, liveId);
    const comment = await ctx.model.Comment.findByPk(commentId, { attributes: [ 'id', 'user_id', 'live_id', 'hidden' ] });
    if (!comment || comment.live_id !== liveId) ctx.throw(404, '该弹幕不存在');
    await this.checkTarget(actor, role, live, comment.user_id, false);
    const hidden = await ctx.model.transaction(async transaction => {
      const [ changed ] = await ctx.model.Comment.update({ hidden: true }, { where: { id: commentId, hidden: false }, transaction });
      if (changed) await this.record(actor, 'hide', { user_id: comment.user_id, live_id: liveId, comment_id: commentId }, transaction);
      return changed > 0;
    });
    if (hidden) this.app.io.of('/').to(liveRoom(liveId)).emit(COMMENT_HIDDEN, { id: commentId });
  }

  // Appoints (on) or removes a room moderator: by the room's owner or a manager. Answers the room's moderators.
  async setModerator(ownerActor: Actor, liveId: number, userId: number, on: boolean): Promise<ModeratorAnswer[]> {
    const ctx: Context = this.ctx;
    const live = await this.liveOf(liveId);
    if (ownerActor.kind !== 'manager' && ownerActor.id !== live.user_id) ctx.throw(403, '只有主播可以任命房管');
    await this.targetUser(userId);
    if (userId === live.user_id) ctx.throw(400, '主播不能任命自己为房管');
    if (on) {
      try {
        await ctx.model.LiveModerator.findOrCreate({ where: { live_id: liveId, user_id: userId } });
      } catch (err) {
        // Appointed twice at once: the unique index keeps one.
        if (!(err instanceof UniqueConstraintError)) throw err;
      }
    } else {
      await ctx.model.LiveModerator.destroy({ where: { live_id: liveId, user_id: userId } });
    }
    // `read` lists the moderators: its cached answer goes on every worker.
    this.app.answerCache.forgetRoom(liveId);
    this.app.messenger.sendToApp(LIVE_CHANGED, { id: liveId } satisfies LiveChanged);
    return this.moderatorsOf(liveId);
  }

  // The room's moderators, first appointed first (a room's read loads them with the room: app/service/live.ts).
  async moderatorsOf(liveId: number): Promise<ModeratorAnswer[]> {
    return this.ctx.model.query<ModeratorAnswer>(MODERATORS_OF, { replacements: { liveId }, type: QueryTypes.SELECT });
  }

  async isModerator(liveId: number, userId: number): Promise<boolean> {
    return Boolean(await this.ctx.model.LiveModerator.findOne({ where: { live_id: liveId, user_id: userId }, attributes: [ 'id' ] }));
  }

  // The record, newest first, with the target user and the room.
  async records({ page, limit, liveId, userId }: { page: number; limit: number; liveId?: number; userId?: number }) {
    const { model } = this.ctx;
    const where: WhereOptions<Moderation> = {};
    if (liveId !== undefined) where.live_id = liveId;
    if (userId !== undefined) where.user_id = userId;
    return model.Moderation.findAndCountAll({
      where,
      include: [
        { model: model.User, attributes: [ 'id', 'username', 'nickname', 'avatar' ] },
        { model: model.Live, attributes: [ 'id', 'title' ] },
      ],
      order: [[ 'id', 'DESC' ]],
      limit,
      offset: (page - 1) * limit,
    });
  }

  // Seconds the user stays muted in the room, 0 when not muted.
  async muteLeft(liveId: number, userId: number): Promise<number> {
    return this.ctx.service.cache.ttl(this.muteKey(liveId, userId));
  }

  // Seconds before the user may join the room again, 0 when they may.
  async kickLeft(liveId: number, userId: number): Promise<number> {
    return this.ctx.service.cache.ttl(this.kickKey(liveId, userId));
  }

  // Throws `你已被禁言，还剩 N 秒` (403) while the user is muted in the room: danmaku and gifts.
  async ensureNotMuted(liveId: number, userId: number): Promise<void> {
    const left = await this.muteLeft(liveId, userId);
    if (left > 0) this.ctx.throw(403, MODERATION_MESSAGES.muted(left));
  }

  // Throws (403) while the user is kicked out of the room: joinLive.
  async ensureNotKicked(liveId: number, userId: number): Promise<void> {
    const left = await this.kickLeft(liveId, userId);
    if (left > 0) this.ctx.throw(403, MODERATION_MESSAGES.kicked(left));
  }

  private muteKey(liveId: number, userId: number): string {
    return `mute_${liveId}_${userId}`;
  }

  private kickKey(liveId: number, userId: number): string {
    return `kick_${liveId}_${userId}`;
  }

  // A mute or a kick: recorded with its end and set in Redis with that expiry, together (a failure leaves neither).
  private async restrict(action: 'mute' | 'kick', actor: Actor, liveId: number, userId: number, seconds: number, reason: string) {
    const { ctx } = this;
    this.checkSeconds(seconds);
    this.checkReason(reason);
    await this.authorize(actor, liveId, userId);
    const until = new Date(Date.now() + seconds * 1000);
    const key = action === 'mute' ? this.muteKey(liveId, userId) : this.kickKey(liveId, userId);
    await ctx.model.transaction(async transaction => {
      await this.record(actor, action, { user_id: userId, live_id: liveId, until, reason }, transaction);
      await ctx.service.cache.set(key, until.getTime(), seconds);
    });
    return { until };
  }

  private checkSeconds(seconds: number): void {
    if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_MODERATION_SECONDS) {
      this.ctx.throw(422, `时长必须是 1 到 ${MAX_MODERATION_SECONDS} 之间的整数（秒）`);
    }
  }

  private checkReason(reason: string): void {
    if (typeof reason !== 'string' || [ ...reason ].length > 200) this.ctx.throw(422, '原因不能超过 200 个字');
  }

  private async liveOf(liveId: number): Promise<Live> {
    const live = await this.ctx.model.Live.findByPk(liveId, { attributes: [ 'id', 'user_id' ] });
    if (!live) this.ctx.throw(404, '直播间不存在');
    return live;
  }

  private async targetUser(userId: number): Promise<void> {
    if (!await this.ctx.model.User.findByPk(userId, { attributes: [ 'id' ] })) this.ctx.throw(404, '该用户不存在');
  }

  // The actor's role in the room (403 without one) and, when a target user is given, whether they may act on them.
  private async authorize(actor: Actor, liveId: number, targetId?: number): Promise<{ role: Role; live: Live }> {
    const ctx: Context = this.ctx;
    const live = await this.liveOf(liveId);
    let role: Role;
    if (actor.kind === 'manager') role = 'manager';
    else if (actor.id === live.user_id) role = 'owner';
    else if (await this.isModerator(liveId, actor.id)) role = 'moderator';
    else return ctx.throw(403, '你不是该直播间的主播或房管');
    if (targetId !== undefined) {
      await this.targetUser(targetId);
      await this.checkTarget(actor, role, live, targetId, true);
    }
    return { role, live };
  }

  // Nobody acts on themself (but may hide their own danmaku); only managers act on the owner; a moderator does not
  // act on another moderator.
  private async checkTarget(actor: Actor, role: Role, live: Live, targetId: number, notSelf: boolean): Promise<void> {
    const ctx: Context = this.ctx;
    if (actor.kind === 'user' && actor.id === targetId) {
      if (notSelf) ctx.throw(400, '不能对自己操作');
      return;
    }
    if (role === 'manager') return;
    if (targetId === live.user_id) ctx.throw(403, '不能对主播操作');
    if (role === 'moderator' && await this.isModerator(live.id, targetId)) ctx.throw(403, '不能对其他房管操作');
  }

  private async record(actor: Actor, action: ModerationAction,
    fields: { user_id?: number; live_id?: number; until?: Date; comment_id?: number; reason?: string },
    transaction: Transaction) {
    await this.ctx.model.Moderation.create({
      actor_kind: actor.kind,
      actor_id: actor.id,
      user_id: fields.user_id ?? null,
      live_id: fields.live_id ?? null,
      action,
      until: fields.until ?? null,
      comment_id: fields.comment_id ?? null,
      reason: fields.reason ?? '',
    }, { transaction });
  }

  // Every worker of every host acts on its own sockets (app/lib/moderation_listener.ts).
  private async notify(notice: ModerationNotice): Promise<void> {
    await this.app.redis.publish(this.channel, JSON.stringify(notice));
  }
}
