import { Context, Service } from 'egg';
import { UniqueConstraintError } from 'sequelize';
import { clientAddress } from '../common/client_address';
import { hashPassword, verifyPassword } from '../common/password';
import { Manager } from '../model/manager';

// The console's operators: login (limited as users' logins are), and the list the console keeps.
export default class ManagerService extends Service {
  async login(username: string, password: string): Promise<Manager> {
    const ctx: Context = this.ctx;
    const { maxFailures, maxAddressFailures, failureWindow } = this.config.auth.login;
    // Counted as user logins are (service.user.login), under keys of their own.
    const address = clientAddress(ctx.ip);
    const addressKey = `manager_login_attempts_address_${address}`;
    await ctx.service.user.countAttempt(addressKey, maxAddressFailures);
    const manager = await ctx.model.Manager.scope('withPassword').findOne({ where: { username } });
    if (!manager) ctx.throw(400, '用户不存在或已被禁用');
    const managerKey = `manager_login_attempts_${manager.id}_${address}`;
    await ctx.service.user.countAttempt(managerKey, maxFailures);
    if (!await verifyPassword(password, manager.password)) ctx.throw(400, '密码错误');
    await ctx.service.cache.remove(managerKey);
    await ctx.service.cache.incr(addressKey, -1, failureWindow);
    return manager;
  }

  async find(id: number): Promise<Manager> {
    const ctx: Context = this.ctx;
    const manager = await ctx.model.Manager.findByPk(id);
    if (!manager) ctx.throw(404, '该管理员不存在');
    return manager;
  }

  async list(page: number, limit: number) {
    return this.ctx.model.Manager.findAndCountAll({ order: [[ 'id', 'DESC' ]], limit, offset: (page - 1) * limit });
  }

  async create(username: string, password: string): Promise<Manager> {
    return this.unique(async () => this.ctx.model.Manager.create({ username, password: await hashPassword(password) }));
  }

  // A new name, and a new password when one is given (an empty one keeps the old).
  async update(id: number, username: string, password: string): Promise<Manager> {
    const manager = await this.find(id);
    return this.unique(async () => manager.update({ username, ...password ? { password: await hashPassword(password) } : {} }));
  }

  // Never oneself, never the last: the console must keep someone able to log in.
  async remove(actorId: number, id: number): Promise<void> {
    const ctx: Context = this.ctx;
    if (actorId === id) ctx.throw(400, '不能删除自己');
    await ctx.model.transaction(async transaction => {
      // Every manager row locked: two managers removing each other at once cannot leave none.
      const ids = (await ctx.model.Manager.findAll({ attributes: [ 'id' ], lock: true, transaction })).map(row => row.id);
      if (!ids.includes(id)) ctx.throw(404, '该管理员不存在');
      if (ids.length <= 1) ctx.throw(400, '至少保留一个管理员');
      await ctx.model.Manager.destroy({ where: { id }, transaction });
    });
  }

  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof UniqueConstraintError) this.ctx.throw(400, '管理员名已存在');
      throw err;
    }
  }
}
