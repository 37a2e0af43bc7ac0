import { Context } from 'egg';
import { AdminController, Row } from '../../lib/admin_controller';
import { LiveStatus } from '../../model/live';

export const STATUS_NAMES: Record<LiveStatus, string> = {
  [LiveStatus.NotStarted]: '未开播',
  [LiveStatus.Live]: '直播中',
  [LiveStatus.Paused]: '暂停',
  [LiveStatus.Ended]: '已结束',
};
const STATUS_TONES: Record<LiveStatus, string> = {
  [LiveStatus.NotStarted]: 'grey',
  [LiveStatus.Live]: 'green',
  [LiveStatus.Paused]: 'amber',
  [LiveStatus.Ended]: 'grey',
};
const TABS: Array<{ name: string; status?: LiveStatus }> = [
  { name: '全部' },
  { name: '直播中', status: LiveStatus.Live },
  { name: '未开播', status: LiveStatus.NotStarted },
  { name: '暂停', status: LiveStatus.Paused },
  { name: '已结束', status: LiveStatus.Ended },
];
// What the room page's mute / kick form offers.
const DURATIONS = [
  { value: '60', label: '1 分钟' }, { value: '600', label: '10 分钟' }, { value: '3600', label: '1 小时' },
  { value: '86400', label: '1 天' }, { value: '604800', label: '7 天' },
];
// Viewers listed on a room's page (the online list's newest).
const VIEWERS_SHOWN = 100;

export default class LiveController extends AdminController {
  // GET /admin/live?status=: with the viewers online now of the rooms shown.
  async index() {
    const { ctx, service } = this;
    const raw = ctx.query.status;
    const status = TABS.find(tab => tab.status !== undefined && String(tab.status) === raw)?.status;
    const paging = this.paging();
    const { rows, count } = await service.live.adminList(paging.page, paging.limit, status);
    const online = await Promise.all(rows.map(live => (live.status === LiveStatus.Ended ? 0 :
      service.online.snapshot(live.id, 1).then(snapshot => snapshot.count))));
    await this.table('直播间列表', {
      tabs: TABS.map(tab => ({ name: tab.name, url: tab.status === undefined ? '/admin/live' : `/admin/live?status=${tab.status}`, active: tab.status === status })),
      columns: [ 'ID', '直播间', '主播', '状态', '在线', '观看次数', '金币', '创建时间' ],
      rows: rows.map((live, i): Row => ({
        cells: [
          { text: live.id },
          { text: live.title, href: `/admin/live/${live.id}`, image: live.cover || undefined },
          { text: live.user?.username ?? `#${live.user_id}` },
          { text: STATUS_NAMES[live.status], badge: STATUS_TONES[live.status] },
          { text: online[i] },
          { text: live.look_count },
          { text: live.coin },
          { text: live.created_time },
        ],
        actions: [
          { label: '详情', url: `/admin/live/${live.id}` },
          ...live.status !== LiveStatus.Ended ? [{ label: '关闭', url: `/admin/live/close/${live.id}`, post: true, confirm: '关闭该直播间？推流会立即断开', style: 'warn' }] : [],
          { label: '删除', url: `/admin/live/delete/${live.id}`, post: true, confirm: '删除该直播间？', style: 'danger' },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }

  // GET /admin/live/:id: the room, its viewers online now, its gifts (?gpage=) and danmaku (?cpage=).
  async show() {
    const { service } = this;
    const ctx: Context = this.ctx;
    const { model } = ctx;
    const id = this.id();
    const live = await model.Live.findByPk(id, { include: [{ model: model.User, attributes: [ 'id', 'username', 'nickname' ] }] });
    if (!live) ctx.throw(404, '该直播间不存在');
    const giftPaging = this.paging('gpage');
    const commentPaging = this.paging('cpage');
    const [ online, gifts, comments ] = await Promise.all([
      service.online.snapshot(id, VIEWERS_SHOWN),
      model.LiveGift.findAndCountAll({
        where: { live_id: id },
        include: [{ model: model.User, attributes: [ 'id', 'username' ] }, { model: model.Gift, attributes: [ 'id', 'name', 'coin' ] }],
        order: [[ 'id', 'DESC' ]], limit: giftPaging.limit, offset: (giftPaging.page - 1) * giftPaging.limit,
      }),
      model.Comment.findAndCountAll({
        where: { live_id: id },
        include: [{ model: model.User, attributes: [ 'id', 'username' ] }],
        order: [[ 'id', 'DESC' ]], limit: commentPaging.limit, offset: (commentPaging.page - 1) * commentPaging.limit,
      }),
    ]);
    await this.page('live', {
      title: `直播间 #${live.id}`,
      live,
      statusName: STATUS_NAMES[live.status],
      statusTone: STATUS_TONES[live.status],
      open: live.status !== LiveStatus.Ended,
      durations: DURATIONS,
      viewers: {
        columns: [ '用户ID', '用户名' ],
        rows: online.data.map((user): Row => ({
          cells: [{ text: user.id }, { text: user.name, image: user.avatar || undefined }],
          actions: [
            { label: '禁言 10 分钟', url: `/admin/live/mute/${id}`, post: true, fields: { user_id: user.id, seconds: 600 }, style: 'warn' },
            { label: '踢出 10 分钟', url: `/admin/live/kick/${id}`, post: true, fields: { user_id: user.id, seconds: 600 }, confirm: `将 ${user.name} 踢出直播间？`, style: 'danger' },
          ],
        })),
        count: online.count,
      },
      gifts: {
        columns: [ '时间', '用户', '礼物', '金币' ],
        rows: gifts.rows.map(row => ({ cells: [{ text: row.created_time }, { text: row.user?.username ?? row.user_id }, { text: row.gift?.name ?? row.gift_id }, { text: row.gift?.coin ?? '' }] })),
        pager: this.pager(gifts.count, giftPaging, 'gpage'),
      },
      comments: {
        columns: [ 'ID', '时间', '用户', '内容' ],
        rows: comments.rows.map((row): Row => ({
          cells: [
            { text: row.id }, { text: row.created_time }, { text: row.user?.username ?? row.user_id },
            row.hidden ? { text: row.content, muted: '（已隐藏）' } : { text: row.content },
          ],
          actions: row.hidden ? [] : [{ label: '隐藏', url: `/admin/live/hidecomment/${id}`, post: true, fields: { comment_id: row.id }, style: 'warn' }],
        })),
        pager: this.pager(comments.count, commentPaging, 'cpage'),
      },
    });
  }

  // POST /admin/live/close/:id: as the owner's stop.
  async close() {
    const id = this.id();
    await this.service.live.close(id);
    this.done('操作成功', `/admin/live/${id}`, 'closed live %d', id);
  }

  // POST /admin/live/delete/:id
  async delete() {
    const id = this.id();
    await this.service.live.remove(id);
    this.done('删除成功', '/admin/live', 'deleted live %d', id);
  }
}
