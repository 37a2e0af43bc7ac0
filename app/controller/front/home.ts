import { Controller } from 'egg';
import { LiveStatus } from '../../model/live';

// Rooms a lobby page shows.
const LOBBY_PAGE_SIZE = 12;
// Beyond it, no page has a room.
const MAX_PAGE = 100000;

const STATUS_LABELS: Record<LiveStatus, string> = {
  [LiveStatus.NotStarted]: '未开播',
  [LiveStatus.Live]: '直播中',
  [LiveStatus.Paused]: '暂停中',
  [LiveStatus.Ended]: '已结束',
};

export default class HomeController extends Controller {
  // GET /?page=: the lobby, live rooms first with their viewers now, then paused and upcoming ones.
  async index() {
    const { ctx, service } = this;
    const asked = Number(ctx.query.page);
    const page = Number.isInteger(asked) && asked >= 1 && asked <= MAX_PAGE ? asked : 1;
    const { rooms, more } = await service.live.lobby(page, LOBBY_PAGE_SIZE);
    const viewers = await service.online.counts(rooms.filter(room => room.status === LiveStatus.Live).map(room => room.id));
    await ctx.render('front/home.nj', {
      title: '直播大厅',
      page,
      more,
      rooms: rooms.map(room => ({
        ...room,
        statusLabel: STATUS_LABELS[room.status],
        live: room.status === LiveStatus.Live,
        viewers: viewers.get(room.id) ?? 0,
      })),
    });
  }
}
