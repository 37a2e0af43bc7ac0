import { User } from '../../model/user';
import { CoinKind } from '../../model/coin_log';
import { UserStatus } from '../../common/moderation';
import { AdminController, Form, rules } from '../../lib/admin_controller';
import { integer } from '../../common/validation';
import { MAX_ADJUSTMENT } from '../../service/coin';

const USERNAME = { type: 'string', trim: true, min: 5, max: 20, format: /^[\p{L}\p{N}_.@-]+$/u, message: { format: '只能包含文字、数字和 _ . @ -' } };
const KIND_NAMES: Record<CoinKind, string> = { recharge: '充值', gift: '送礼', adjust: '后台调整' };
const PASSWORD = { type: 'string', min: 8, max: 100, message: { min: '长度至少为8位' } };
const NICKNAME = { type: 'string', trim: true, max: 30, required: false, allowEmpty: true };

function profileFields(user?: User) {
  return [
    { name: 'nickname', label: '昵称', value: user?.nickname ?? '' },
    { name: 'avatar', label: '头像', type: 'image' as const, value: user?.avatar ?? '' },
  ];
}

export default class UserController extends AdminController {
  // GET /admin/user?q=
  async index() {
    const { ctx, service } = this;
    const paging = this.paging();
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 30) : '';
    const { rows, count } = await service.user.adminList(paging.page, paging.limit, q);
    await this.table('用户列表', {
      createUrl: '/admin/user/create',
      search: { name: 'q', value: q, placeholder: '用户名或昵称' },
      columns: [ 'ID', '用户', '金币', '状态', '创建时间' ],
      rows: rows.map(user => ({
        cells: [
          { text: user.id },
          { text: user.username, image: user.avatar || undefined, muted: user.nickname },
          { text: user.coin },
          user.status === UserStatus.Banned ? { text: '已禁用', badge: 'red' } : { text: '正常', badge: 'green' },
          { text: user.created_time },
        ],
        actions: [
          { label: '修改 / 金币', url: `/admin/user/edit/${user.id}` },
          user.status === UserStatus.Banned ?
            { label: '解禁', url: `/admin/user/unban/${user.id}`, post: true } :
            { label: '禁用', url: `/admin/user/ban/${user.id}`, post: true, confirm: `禁用 ${user.username}？登录被拒，连接立即断开`, style: 'warn' },
          { label: '删除', url: `/admin/user/delete/${user.id}`, post: true, confirm: `删除用户 ${user.username}？`, style: 'danger' },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }

  // GET /admin/user/create
  async create() {
    const form: Form = {
      action: '/admin/user',
      submit: '新增',
      fields: [
        { name: 'username', label: '用户名', required: true, help: '5 到 20 位' },
        { name: 'password', label: '密码', type: 'password', required: true, help: '至少 8 位' },
        ...profileFields(),
      ],
    };
    await this.form('新增用户', [ form ], '/admin/user');
  }

  // POST /admin/user
  async save() {
    const { service } = this;
    const body = this.body({ username: USERNAME, password: PASSWORD, nickname: NICKNAME, avatar: rules.image });
    const user = await service.user.register(body.username, body.password);
    await service.user.updateProfile(user.id, body.nickname ?? '', body.avatar ?? '');
    this.done('新增成功', '/admin/user', 'created user %d (%s)', user.id, user.username);
  }

  // GET /admin/user/edit/:id: the profile, and the coin adjustment with its recent coin_log rows.
  async edit() {
    const { ctx, service } = this;
    const user = await service.user.find(this.id());
    const logs = await ctx.model.CoinLog.findAll({ where: { user_id: user.id }, order: [[ 'id', 'DESC' ]], limit: 10 });
    const forms: Form[] = [
      { title: `资料（${user.username}）`, action: `/admin/user/${user.id}`, submit: '保存', fields: profileFields(user) },
      {
        title: `金币（余额 ${user.coin}）`,
        action: `/admin/user/coin/${user.id}`,
        submit: '调整金币',
        fields: [
          { name: 'amount', label: '调整金币', type: 'number', required: true, help: '正数增加，负数扣除；余额不能小于 0' },
          { name: 'reason', label: '调整原因', required: true },
        ],
      },
    ];
    const table = {
      columns: [ '时间', '变动', '类型', '说明', '管理员' ],
      rows: logs.map(log => ({ cells: [{ text: log.created_time }, { text: log.coin > 0 ? `+${log.coin}` : log.coin }, { text: KIND_NAMES[log.kind] }, { text: log.note }, { text: log.manager_id ? `管理员 #${log.manager_id}` : '' }] })),
    };
    await this.form('修改用户', forms, '/admin/user', { table, tableTitle: '最近的金币记录' });
  }

  // POST /admin/user/:id: nickname and avatar.
  async update() {
    const id = this.id();
    const { nickname, avatar } = this.body({ nickname: NICKNAME, avatar: rules.image });
    await this.service.user.updateProfile(id, nickname ?? '', avatar ?? '');
    this.done('修改成功', `/admin/user/edit/${id}`, 'updated user %d: nickname %j, avatar %j', id, nickname ?? '', avatar ?? '');
  }

  // POST /admin/user/coin/:id: amount (signed) and reason, through service.coin.adjust.
  async coin() {
    const id = this.id();
    const { amount, reason } = this.body<{ amount: number; reason: string }>({
      amount: integer(-MAX_ADJUSTMENT, MAX_ADJUSTMENT),
      reason: { type: 'string', trim: true, min: 1, max: 200 },
    });
    const balance = await this.service.coin.adjust(this.ctx.manager.id, id, amount, reason);
    this.done('操作成功', `/admin/user/edit/${id}`, 'adjusted the coins of user %d by %d (%s): balance %d', id, amount, reason, balance);
  }

  // POST /admin/user/delete/:id
  async delete() {
    const id = this.id();
    await this.service.user.remove(id);
    this.done('删除成功', '/admin/user', 'deleted user %d', id);
  }
}
