import { Context, Controller } from 'egg';
import { integer, MAX_ID } from '../../common/validation';
import { LiveStatus } from '../../model/live';
import { STATUS_CHANGES } from '../../service/live';

// Beyond it, no page has a room.
const MAX_PAGE = 100000000;
// The rules of the two busiest routes, made once (egg-validate's parameter only fills in a default message on them).
const LIST_PARAMS = { page: integer(1, MAX_PAGE) };
const LIST_QUERY = { status: integer(LiveStatus.NotStarted, LiveStatus.Ended, { required: false }) };
const READ_PARAMS = { id: integer(1, MAX_ID) };

export default class LiveController extends Controller {
  // POST /api/live/create: a room for the caller and the broadcaster's publish signature.
  async save() {
    const { ctx, service } = this;
    ctx.validate({
      title: { type: 'string', trim: true, max: 100 },
      cover: { type: 'string', trim: true, max: 200, required: false, allowEmpty: true },
    });
    const { title, cover } = ctx.request.body;
    // A null cover passes validation (not required) and means none.
    const live = await service.live.create(ctx.authUser.id, title, cover ?? '');
    const sign = service.live.sign('publish', live.key);
    ctx.apiSuccess({ data: live, sign, ...service.live.publishUrls(live.key, sign) });
  }

  // POST /api/live/changestatus: play / pause / stop, by the room's owner.
  async changestatus() {
    const { ctx, service } = this;
    ctx.validate({
      id: integer(1, MAX_ID),
      type: { type: 'enum', values: STATUS_CHANGES },
    });
    const { id, type } = ctx.request.body;
    await service.live.changeStatus(ctx.authUser.id, id, type);
    ctx.apiSuccess('ok');
  }

  // GET /api/live/list/:page?status=
  async list() {
    const { ctx, service } = this;
    const params = { page: ctx.params.page };
    ctx.validate(LIST_PARAMS, params);
    const query: { status?: string | LiveStatus } = { status: ctx.query.status };
    ctx.validate(LIST_QUERY, query);
    ctx.apiSuccessBytes(await service.live.listReply(Number(params.page), query.status as LiveStatus | undefined));
  }

  // GET /api/live/read/:id: the room, its owner, and a play signature while the room has not ended.
  async read() {
    const { service } = this;
    const ctx: Context = this.ctx;
    const params = { id: ctx.params.id };
    ctx.validate(READ_PARAMS, params);
    const reply = await service.live.readReply(params.id);
    if (reply === null) ctx.throw(404, '当前直播间不存在');
    ctx.apiSuccessBytes(reply);
  }
}
