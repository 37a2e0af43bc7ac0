import { Context, Controller } from 'egg';
import { clientError, ThrownError } from '../../common/client_error';
import { integer, MAX_ID } from '../../common/validation';
import { onlineUserOf, liveRoom, sessionOf, SocketUser } from '../../lib/socket_session';
import { coins, countDependencyError, danmaku, gifts } from '../../lib/metrics';
import { Actor, MODERATION_MESSAGES, MODERATION_RULES } from '../../common/moderation';

const LIVE_RULES = { live_id: integer(1, MAX_ID) };
// Empty text gets the comment service's own message.
const COMMENT_RULES = { ...LIVE_RULES, data: { type: 'string', allowEmpty: true } };
const GIFT_RULES = { ...LIVE_RULES, gift_id: integer(1, MAX_ID) };

const RESTRICT_RULES = { live_id: MODERATION_RULES.live_id, user_id: MODERATION_RULES.user_id, seconds: MODERATION_RULES.seconds, reason: MODERATION_RULES.reason };
const HIDE_RULES = { live_id: MODERATION_RULES.live_id, comment_id: MODERATION_RULES.comment_id };

interface LivePayload { live_id: number }
interface RestrictPayload extends LivePayload { user_id: number; seconds: number; reason?: string }
interface HidePayload extends LivePayload { comment_id: number }
interface CommentPayload extends LivePayload { data: string }
interface GiftPayload extends LivePayload { gift_id: number }

type Ack = (reply: unknown) => void;

const SHUTTING_DOWN = '服务器正在重启，请稍后重试';

const actorOf = (user: SocketUser): Actor => ({ kind: 'user', id: user.id });

const isPayload = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The course's socket routes (namespace '/'). Every event is authenticated and validated by handle(); its refusal
// goes to the sender on the event named after its socket id, and to the acknowledgement callback when one is given.
export default class NspController extends Controller {
  // joinLive {live_id, token}: the first visit counts towards look_count; then into the room and its online list.
  async joinLive() {
    await this.handle<LivePayload>(LIVE_RULES, {}, async ({ live_id: liveId }, user) => {
      const { ctx, service, config } = this;
      const { socket } = ctx;
      // Each room a socket is in costs Redis work at every heartbeat: a socket holds a few at most. One socket's
      // events run in order (io/middleware/in_order.ts), so none joins another room between this check and the join.
      const { maxLives } = config.realtime;
      const { lives } = sessionOf(socket);
      if (!lives.has(liveId) && lives.size >= maxLives) ctx.throw(429, `最多同时进入 ${maxLives} 个直播间，请先离开其他直播间`);
      await service.live.ensureOpen(liveId);
      // Kicked out of this room for a while (service.moderation.kick).
      await service.moderation.ensureNotKicked(liveId, user.id);
      // Before listing: a join that fails after it is listed would leave a listed user who was told no.
      await service.live.recordVisit(user.id, liveId);
      // Gone meanwhile: its disconnect clean-up has run, so it must not be listed now.
      if (socket.disconnected) return;
      const listed = onlineUserOf(user);
      const previous = lives.get(liveId);
      socket.join(liveRoom(liveId));
      lives.set(liveId, listed);
      // Sent in the same tick as the session learns the live, so a leave or disconnect after it is sent after it.
      // One socket is one user in a room: joining again with another user's token lists it as that user instead.
      const unlisted = previous && previous.id !== listed.id ? service.online.leave(liveId, socket.id) : undefined;
      const joined = service.online.join(liveId, socket.id, listed);
      await unlisted;
      await joined;
      // A kick between the check above and the listing: its notice (app/lib/moderation_listener.ts) may have found
      // nothing to take out, so the join is undone here.
      const kicked = await service.moderation.kickLeft(liveId, user.id);
      if (kicked > 0) {
        if (lives.get(liveId) === listed) {
          socket.leave(liveRoom(liveId));
          lives.delete(liveId);
          await service.online.leave(liveId, socket.id);
        }
        ctx.throw(403, MODERATION_MESSAGES.kicked(kicked));
      }
    });
  }

  // leaveLive {live_id, token}: out of the room and its online list; leaving needs no open room. Its refusals are
  // marked notoast, as the course's are: the client leaves a page and shows nothing.
  async leaveLive() {
    await this.handle<LivePayload>(LIVE_RULES, { notoast: true }, async ({ live_id: liveId }) => {
      const { ctx, service } = this;
      const { socket } = ctx;
      socket.leave(liveRoom(liveId));
      sessionOf(socket).lives.delete(liveId);
      await service.online.leave(liveId, socket.id);
    });
  }

  // comment {live_id, data, token}: stored, then told to the room as the plain text it is, with its row's id (the
  // client keys its danmaku list on it).
  async comment() {
    await this.handle<CommentPayload>(COMMENT_RULES, {}, async ({ live_id: liveId, data }, user) => {
      const { service, app } = this;
      const id = await service.comment.send(user.id, liveId, data);
      app.io.of('/').to(liveRoom(liveId)).emit('comment', { user: onlineUserOf(user), id, content: data });
      danmaku.inc();
    });
  }

  // gift {live_id, gift_id, token}: paid in one transaction and acknowledged once committed; the room hears of it
  // after the commit, a sender's run of one gift within GIFT_COALESCE_MS as one event with num = how many.
  async gift() {
    await this.handle<GiftPayload>(GIFT_RULES, {}, async ({ live_id: liveId, gift_id: giftId }, user) => {
      const { service, app } = this;
      const gift = await service.gift.send(user, liveId, giftId);
      gifts.inc();
      coins.inc({ kind: 'gift' }, gift.coin);
      app.giftCoalescer.add(liveId, user.id, gift.id, {
        avatar: user.avatar,
        username: user.nickname || user.username,
        gift_image: gift.image,
        gift_name: gift.name,
        // The client adds gift_coin * num to the room's coins it shows.
        gift_coin: gift.coin,
        num: 1,
      });
    });
  }

  // mute {live_id, user_id, seconds, token}: by the room's owner or a moderator (service.moderation has the rules).
  async mute() {
    await this.handle<RestrictPayload>(RESTRICT_RULES, {}, async ({ live_id, user_id, seconds, reason }, user) => {
      await this.service.moderation.mute(actorOf(user), live_id, user_id, seconds, reason ?? '');
    });
  }

  // kick {live_id, user_id, seconds, token}: out of the room on every worker, refused joining it for `seconds`.
  async kick() {
    await this.handle<RestrictPayload>(RESTRICT_RULES, {}, async ({ live_id, user_id, seconds, reason }, user) => {
      await this.service.moderation.kick(actorOf(user), live_id, user_id, seconds, reason ?? '');
    });
  }

  // hideComment {live_id, comment_id, token}: stored as hidden; the room hears commentHidden {id}.
  async hideComment() {
    await this.handle<HidePayload>(HIDE_RULES, {}, async ({ live_id, comment_id }, user) => {
      await this.service.moderation.hideComment(actorOf(user), live_id, comment_id);
    });
  }

  // Payload (an object), user (the event's token, else the connection's), fields, then the action; every refusal
  // and failure is answered (with failMeta in its meta), so no event is left without a reply.
  private async handle<T>(rules: Record<string, unknown>, failMeta: Record<string, unknown>,
    action: (payload: T, user: SocketUser) => Promise<void>) {
    const ctx: Context = this.ctx;
    const args = [ ...ctx.args ];
    const ack = typeof args[args.length - 1] === 'function' ? args.pop() as Ack : undefined;
    const payload: unknown = args[0];
    // Shutting down (app.ts): refused, not an error; the client reconnects to another worker in a moment.
    if (ctx.app.inFlight.closing) return ctx.socketFail(SHUTTING_DOWN, ack, failMeta);
    // Tracked from here until answered: a shutdown waits for it (app.ts), so an acknowledged gift is a committed one.
    // Its turn among the worker's other events first (app/lib/event_gate.ts).
    await ctx.app.inFlight.track(() => ctx.app.eventGate.run(() => this.answer(payload, ack, rules, failMeta, action)));
  }

  // The event's checks and action; answered either way.
  private async answer<T>(payload: unknown, ack: Ack | undefined, rules: Record<string, unknown>,
    failMeta: Record<string, unknown>, action: (payload: T, user: SocketUser) => Promise<void>) {
    const ctx: Context = this.ctx;
    try {
      const token = isPayload(payload) ? payload.token : undefined;
      if (token !== undefined && token !== null && typeof token !== 'string') ctx.throw(401, 'Token 令牌不合法!');
      const user = await ctx.service.user.authenticateSocket(sessionOf(ctx.socket), token || undefined);
      if (!isPayload(payload)) ctx.throw(422, '请求参数必须是对象');
      ctx.validate(rules, payload);
      await action(payload as T, user);
      ack?.(ctx.helper.parseMsg('ok', 'ok'));
    } catch (e) {
      const err = e as ThrownError;
      const { status, message } = clientError(err, ctx.showErrorDetails());
      // As errorHandler: an exposed 5xx is a refusal for people, logged where it is thrown.
      if (status >= 500 && !err.expose) ctx.logger.error(err);
      countDependencyError(err);
      ctx.socketFail(message, ack, failMeta);
    }
  }
}
