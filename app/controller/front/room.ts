import { Controller } from 'egg';
import { MAX_ID } from '../../common/validation';

export default class RoomController extends Controller {
  // GET /live/:id: the room page; an unknown room is the 404 page (a page, not the API's envelope).
  async show() {
    const { ctx, service } = this;
    const id = Number(ctx.params.id);
    const live = /^[1-9]\d*$/.test(ctx.params.id) && id <= MAX_ID ? await service.live.read(id) : null;
    if (!live) {
      ctx.status = 404;
      await ctx.render('front/not_found.nj', { title: '直播间不存在' });
      return;
    }
    await ctx.render('front/room.nj', { title: live.title, live });
  }
}
