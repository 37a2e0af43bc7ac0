import { Context } from 'egg';
import { answersJson } from '../lib/admin_controller';

// The console's pages behind it need a manager's session: it sets ctx.manager, else sends the browser to the login
// page with 请先登录 (the JSON routes answer 401). The manager is read at each request, so a removed one is out at once.
export default () => async function adminAuth(ctx: Context, next: () => Promise<void>) {
  const id = ctx.session.managerId;
  const manager = Number.isInteger(id) ? await ctx.model.Manager.findByPk(id) : null;
  if (!manager) {
    if (answersJson(ctx)) ctx.throw(401, '请先登录');
    ctx.toast('请先登录');
    ctx.redirect('/admin/login');
    return;
  }
  ctx.manager = manager;
  await next();
};
