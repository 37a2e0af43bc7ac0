import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { Op } from 'sequelize';
import { AdminClient, createManager, loggedIn } from '../../../admin_support';
import { uniqueName } from '../../../support';

describe('test/app/controller/admin/manager.test.ts', () => {
  let client: AdminClient;
  let me: Awaited<ReturnType<typeof createManager>>;

  before(async () => {
    ({ client, manager: me } = await loggedIn());
  });

  it('lists managers, paged', async () => {
    const other = await createManager();
    const res = await client.get('/admin/manager?limit=1');
    assert.equal(res.status, 200);
    assert(res.text.includes(other.username), 'the newest first');
    assert.match(res.text, /第 1 \/ \d+ 页/);
    assert.match(res.text, /href="\/admin\/manager\?limit=1&amp;page=2"/);
  });

  it('sends a visitor without a session to the login page', async () => {
    const res = await new AdminClient().get('/admin/manager');
    assert.equal(res.headers.location, '/admin/login');
  });

  it('creates a manager who can then log in', async () => {
    const username = uniqueName('m');
    assert.equal((await client.get('/admin/manager/create')).status, 200);
    const { toast } = await client.follow(await client.post('/admin/manager', { username, password: 'new-manager-pass' }));
    assert.deepEqual(toast, { type: 'success', msg: '新增成功' });
    const res = await new AdminClient().login(username, 'new-manager-pass');
    assert.equal(res.headers.location, '/admin');
  });

  it('refuses a taken name, a short password, and a form without its CSRF token', async () => {
    await client.get('/admin/manager/create');
    const taken = await client.follow(await client.post('/admin/manager', { username: me.username, password: 'another-pass' }));
    assert.deepEqual(taken.toast, { type: 'danger', msg: '管理员名已存在' });
    const username = uniqueName('m');
    const short = await client.follow(await client.post('/admin/manager', { username, password: 'short' }));
    assert.equal(short.toast?.msg, '密码长度至少为8位');
    const forged = await client.post('/admin/manager', { username, password: 'long-enough-pass' }, { csrf: false });
    assert.equal(forged.status, 403);
    assert.equal(await app.model.Manager.count({ where: { username } }), 0);
  });

  it('edits a name and, when given, the password', async () => {
    const other = await createManager();
    assert.equal((await client.get(`/admin/manager/edit/${other.id}`)).status, 200);
    const renamed = uniqueName('m');
    const kept = await client.follow(await client.post(`/admin/manager/${other.id}`, { username: renamed, password: '' }));
    assert.deepEqual(kept.toast, { type: 'success', msg: '修改成功' });
    assert.equal((await new AdminClient().login(renamed, other.password)).headers.location, '/admin');
    await client.post(`/admin/manager/${other.id}`, { username: renamed, password: 'changed-password' });
    assert.equal((await new AdminClient().login(renamed, 'changed-password')).headers.location, '/admin');
  });

  it('answers an unknown or malformed id with a toast, not a 5xx', async () => {
    for (const id of [ '999999999', 'abc', '0' ]) {
      const { toast } = await client.follow(await client.get(`/admin/manager/edit/${id}`));
      assert.equal(toast?.type, 'danger', id);
    }
  });

  it('deletes another manager, never oneself', async () => {
    const other = await createManager();
    const deleted = await client.follow(await client.post(`/admin/manager/delete/${other.id}`));
    assert.deepEqual(deleted.toast, { type: 'success', msg: '删除成功' });
    assert.equal(await app.model.Manager.count({ where: { id: other.id } }), 0);
    const self = await client.follow(await client.post(`/admin/manager/delete/${me.id}`));
    assert.deepEqual(self.toast, { type: 'danger', msg: '不能删除自己' });
    assert.equal(await app.model.Manager.count({ where: { id: me.id } }), 1);
  });

  it('never leaves the console without a manager, even when two remove each other at once', async () => {
    const other = await createManager();
    await app.model.Manager.destroy({ where: { id: { [Op.notIn]: [ me.id, other.id ] } } });
    const ctx = app.mockContext();
    const outcomes = await Promise.allSettled([ ctx.service.manager.remove(me.id, other.id), app.mockContext().service.manager.remove(other.id, me.id) ]);
    assert.equal(outcomes.filter(outcome => outcome.status === 'fulfilled').length, 1);
    const refused = outcomes.find(outcome => outcome.status === 'rejected') as PromiseRejectedResult;
    assert.equal(refused.reason.message, '至少保留一个管理员');
    assert.equal(await app.model.Manager.count(), 1);
    // The one left is refused removing the last manager through any actor.
    const [ last ] = await app.model.Manager.findAll();
    await assert.rejects(app.mockContext().service.manager.remove(0, last.id), /至少保留一个管理员/);
  });
});
