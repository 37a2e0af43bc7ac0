import { Controller } from 'egg';

// Letters (any script), digits, and _ . @ -: no spaces, no control or invisible characters.
const USERNAME = {
  type: 'string',
  min: 5,
  max: 20,
  format: /^[\p{L}\p{N}_.@-]+$/u,
  message: { format: '只能包含文字、数字和 _ . @ -' },
};

// New passwords only: logins still take the shorter ones of accounts made before the rule.
const PASSWORD_MIN_LENGTH = 8;
const NEW_PASSWORD = {
  type: 'string',
  min: PASSWORD_MIN_LENGTH,
  max: 100,
  message: { min: `长度至少为${PASSWORD_MIN_LENGTH}位` },
};

export default class UserController extends Controller {
  // POST /api/reg
  async reg() {
    const { ctx, service } = this;
    ctx.validate({
      username: USERNAME,
      password: NEW_PASSWORD,
      repassword: { type: 'string', max: 100 },
    });
    const { username, password, repassword } = ctx.request.body;
    if (password !== repassword) ctx.throw(422, '两次输入的密码不一致');
    ctx.apiSuccess(await service.user.register(username, password));
  }

  // POST /api/login
  async login() {
    const { ctx, service } = this;
    ctx.validate({
      username: { type: 'string', max: 30 },
      password: { type: 'string', max: 100 },
    });
    const { username, password } = ctx.request.body;
    ctx.apiSuccess(await service.user.login(username, password));
  }

  // POST /api/logout
  async logout() {
    const { ctx, service } = this;
    await service.user.logout(ctx.authUser.id);
    ctx.apiSuccess('退出成功');
  }

  // GET /api/user/info
  async info() {
    const { ctx } = this;
    ctx.apiSuccess(ctx.authUser);
  }
}
