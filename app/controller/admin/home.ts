import { AdminController } from '../../lib/admin_controller';

export default class HomeController extends AdminController {
  // GET /admin/login
  async login() {
    const { ctx } = this;
    await ctx.render('admin/login.nj', { title: '登录', toast: ctx.takeToast() });
  }

  // POST /admin/loginevent: a manager's session (a new one: nothing of the session before survives a login).
  async loginevent() {
    const { ctx, service } = this;
    const { username, password } = this.body({
      username: { type: 'string', max: 30 },
      password: { type: 'string', max: 100 },
    });
    const manager = await service.manager.login(username, password);
    ctx.session = { managerId: manager.id };
    ctx.rotateCsrfSecret();
    ctx.logger.info('[admin] manager %d logged in from %s', manager.id, ctx.ip);
    ctx.toast('登录成功', 'success');
    ctx.redirect('/admin');
  }

  // GET /admin/logout
  async logout() {
    const { ctx } = this;
    // A new session holding the toast only.
    ctx.session = {};
    ctx.toast('退出登录成功', 'success');
    ctx.redirect('/admin/login');
  }

  // GET /admin: the dashboard, its figures refreshed by app/public/admin/dashboard.mjs from GET /admin/api/stats.
  async index() {
    await this.page('dashboard', { title: '主面板', stats: await this.service.dashboard.stats() });
  }

  // GET /admin/api/stats
  async stats() {
    this.ctx.apiSuccess(await this.service.dashboard.stats());
  }

  // POST /admin/upload (multipart, field `file`, CSRF token in the x-csrf-token header): {url}, for avatars and gifts.
  async upload() {
    const { ctx, service } = this;
    const url = await service.upload.saveImage();
    ctx.logger.info('[admin] manager %d uploaded %s', ctx.manager.id, url);
    ctx.apiSuccess({ url });
  }
}
