import { AdminController } from '../../lib/admin_controller';
import { MODERATION_RULES, ModerationAction } from '../../common/moderation';
import { integer, MAX_ID } from '../../common/validation';
import { connectionOffset, formatDateTime } from '../../common/columns';

export const ACTION_NAMES: Record<ModerationAction, string> = {
  mute: '禁言', unmute: '解除禁言', kick: '踢出', ban: '禁用', unban: '解禁', hide: '隐藏弹幕',
};

// The console's moderation: a manager mutes, kicks and hides danmaku in any room, bans and unbans users (the rules
// are service.moderation's), keeps the word filter, and reads the record of every action.
export default class ModerationController extends AdminController {
  // GET /admin/moderation?live=&user=
  async index() {
    const { ctx, service } = this;
    const id = (value: unknown) => (typeof value === 'string' && /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_ID ? Number(value) : undefined);
    const liveId = id(ctx.query.live);
    const userId = id(ctx.query.user);
    const paging = this.paging();
    const { rows, count } = await service.moderation.records({ ...paging, liveId, userId });
    const offset = connectionOffset(this.app.model);
    await this.table('管理记录', {
      search: { name: 'user', value: userId ?? '', placeholder: '用户ID', hidden: liveId ? [{ name: 'live', value: liveId }] : [] },
      columns: [ 'ID', '时间', '操作者', '操作', '用户', '直播间', '截止', '原因' ],
      rows: rows.map(row => ({
        cells: [
          { text: row.id },
          { text: row.created_time },
          { text: row.actor_kind === 'manager' ? `管理员 #${row.actor_id}` : `用户 #${row.actor_id}` },
          { text: ACTION_NAMES[row.action] ?? row.action, badge: row.action === 'ban' || row.action === 'kick' ? 'red' : 'amber' },
          row.user ? { text: row.user.username, href: `/admin/moderation?user=${row.user.id}` } : { text: row.user_id ?? '' },
          row.live ? { text: `#${row.live.id} ${row.live.title}`, href: `/admin/live/${row.live.id}` } : { text: row.live_id ?? '' },
          // As created_time reads: in the connection's time zone.
          { text: row.until ? formatDateTime(row.until, offset) : '' },
          { text: row.comment_id ? `弹幕 #${row.comment_id} ${row.reason}` : row.reason },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }

  // POST /admin/live/mute/:id and /admin/live/kick/:id: user_id, seconds, reason.
  async mute() {
    await this.restrict('mute');
  }

  async kick() {
    await this.restrict('kick');
  }

  // POST /admin/live/hidecomment/:id: comment_id.
  async hideComment() {
    const liveId = this.id();
    const { comment_id: commentId } = this.body<{ comment_id: number }>({ comment_id: MODERATION_RULES.comment_id });
    await this.service.moderation.hideComment(this.actor, liveId, commentId);
    this.done('操作成功', this.back(`/admin/live/${liveId}`), 'hid comment %d in live %d', commentId, liveId);
  }

  // POST /admin/user/ban/:id (reason) and /admin/user/unban/:id
  async ban() {
    const userId = this.id();
    const { reason } = this.body<{ reason?: string }>({ reason: MODERATION_RULES.reason });
    await this.service.moderation.ban(this.actor, userId, reason ?? '');
    this.done('操作成功', this.back('/admin/user'), 'banned user %d (%s)', userId, reason ?? '');
  }

  async unban() {
    const userId = this.id();
    await this.service.moderation.unban(this.actor, userId);
    this.done('操作成功', this.back('/admin/user'), 'unbanned user %d', userId);
  }

  // GET /admin/word
  async words() {
    const paging = this.paging();
    const { rows, count } = await this.service.word.list(paging);
    await this.page('word', {
      title: '违禁词',
      table: {
        columns: [ 'ID', '违禁词', '添加时间' ],
        rows: rows.map(row => ({
          cells: [{ text: row.id }, { text: row.word }, { text: row.created_time }],
          actions: [{ label: '删除', url: `/admin/word/delete/${row.id}`, post: true, confirm: `删除违禁词「${row.word}」？`, style: 'danger' }],
        })),
        pager: this.pager(count, paging),
      },
    });
  }

  // POST /admin/word: word
  async addWord() {
    const { word } = this.body<{ word: string }>({ word: { type: 'string', max: 200 } });
    const row = await this.service.word.add(this.ctx.manager.id, word);
    this.done('新增成功', '/admin/word', 'added word %d (%s)', row.id, row.word);
  }

  // POST /admin/word/delete/:id
  async removeWord() {
    const id = this.id();
    await this.service.word.remove(this.ctx.manager.id, id);
    this.done('删除成功', '/admin/word', 'removed word %d', id);
  }

  private async restrict(action: 'mute' | 'kick') {
    const liveId = this.id();
    const { user_id: userId, seconds, reason } = this.body<{ user_id: number; seconds: number; reason?: string }>({
      user_id: integer(1, MAX_ID), seconds: MODERATION_RULES.seconds, reason: MODERATION_RULES.reason,
    });
    await this.service.moderation[action](this.actor, liveId, userId, seconds, reason ?? '');
    this.done('操作成功', this.back(`/admin/live/${liveId}`), '%s user %d in live %d for %d s (%s)', action, userId, liveId, seconds, reason ?? '');
  }

  // The console page the form was on (its path only), else `fallback`.
  private back(fallback: string): string {
    try {
      const { pathname, search } = new URL(this.ctx.get('referer'));
      if (pathname.startsWith('/admin/')) return pathname + search;
    } catch {
      // No referer: the fallback.
    }
    return fallback;
  }
}
