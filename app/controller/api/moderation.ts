import { Controller } from 'egg';
import { Actor, MODERATION_RULES } from '../../common/moderation';

const { live_id, user_id, comment_id, seconds, reason, on } = MODERATION_RULES;

// The moderation routes of rooms' owners and moderators (managers act from the console); the rules are in
// service.moderation.
export default class ModerationController extends Controller {
  private get actor(): Actor {
    return { kind: 'user', id: this.ctx.authUser.id };
  }

  // POST /api/live/moderator {live_id, user_id, on = true}: the owner appoints or removes a moderator; answers the
  // room's moderators.
  async moderator() {
    const { ctx, service } = this;
    ctx.validate({ live_id, user_id, on });
    const body = ctx.request.body;
    ctx.apiSuccess(await service.moderation.setModerator(this.actor, body.live_id, body.user_id, body.on ?? true));
  }

  // POST /api/live/mute {live_id, user_id, seconds, reason?}
  async mute() {
    const { ctx, service } = this;
    ctx.validate({ live_id, user_id, seconds, reason });
    const body = ctx.request.body;
    await service.moderation.mute(this.actor, body.live_id, body.user_id, body.seconds, body.reason ?? '');
    ctx.apiSuccess('ok');
  }

  // POST /api/live/kick {live_id, user_id, seconds, reason?}
  async kick() {
    const { ctx, service } = this;
    ctx.validate({ live_id, user_id, seconds, reason });
    const body = ctx.request.body;
    await service.moderation.kick(this.actor, body.live_id, body.user_id, body.seconds, body.reason ?? '');
    ctx.apiSuccess('ok');
  }

  // POST /api/live/hidecomment {live_id, comment_id}
  async hidecomment() {
    const { ctx, service } = this;
    ctx.validate({ live_id, comment_id });
    const body = ctx.request.body;
    await service.moderation.hideComment(this.actor, body.live_id, body.comment_id);
    ctx.apiSuccess('ok');
  }
}
