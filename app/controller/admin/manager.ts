import { AdminController, Form } from '../../lib/admin_controller';

const USERNAME = { type: 'string', trim: true, min: 2, max: 30, format: /^[\p{L}\p{N}_.@-]+$/u, message: { format: '只能包含文字、数字和 _ . @ -' } };
const PASSWORD = { type: 'string', min: 8, max: 100, message: { min: '长度至少为8位' } };

function managerForm(action: string, username = '', editing = false): Form {
  return {
    action,
    submit: editing ? '保存' : '新增',
    fields: [
      { name: 'username', label: '管理员名', value: username, required: true },
      { name: 'password', label: '密码', type: 'password', required: !editing, help: editing ? '留空则不修改' : '至少 8 位' },
    ],
  };
}

export default class ManagerController extends AdminController {
  // GET /admin/manager
  async index() {
    const { ctx, service } = this;
    const paging = this.paging();
    const { rows, count } = await service.manager.list(paging.page, paging.limit);
    await this.table('管理员列表', {
      createUrl: '/admin/manager/create',
      columns: [ 'ID', '管理员名', '创建时间' ],
      rows: rows.map(row => ({
        cells: [{ text: row.id }, { text: row.username, muted: row.id === ctx.manager.id ? '（我）' : '' }, { text: row.created_time }],
        actions: [
          { label: '修改', url: `/admin/manager/edit/${row.id}` },
          { label: '删除', url: `/admin/manager/delete/${row.id}`, post: true, confirm: `删除管理员 ${row.username}？`, style: 'danger' },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }

  // GET /admin/manager/create
  async create() {
    await this.form('新增管理员', [ managerForm('/admin/manager') ], '/admin/manager');
  }

  // POST /admin/manager
  async save() {
    const { username, password } = this.body({ username: USERNAME, password: PASSWORD });
    const manager = await this.service.manager.create(username, password);
    this.done('新增成功', '/admin/manager', 'created manager %d (%s)', manager.id, manager.username);
  }

  // GET /admin/manager/edit/:id
  async edit() {
    const manager = await this.service.manager.find(this.id());
    await this.form('修改管理员', [ managerForm(`/admin/manager/${manager.id}`, manager.username, true) ], '/admin/manager');
  }

  // POST /admin/manager/:id (an empty password keeps the old one)
  async update() {
    const id = this.id();
    const { username, password } = this.body({ username: USERNAME, password: { ...PASSWORD, required: false, allowEmpty: true } });
    await this.service.manager.update(id, username, password ?? '');
    this.done('修改成功', '/admin/manager', 'updated manager %d%s', id, password ? ' and its password' : '');
  }

  // POST /admin/manager/delete/:id
  async delete() {
    const id = this.id();
    await this.service.manager.remove(this.ctx.manager.id, id);
    this.done('删除成功', '/admin/manager', 'deleted manager %d', id);
  }
}
