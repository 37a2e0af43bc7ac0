import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { registerAndLogin, uniqueName } from '../../support';

describe('test/app/model/user.test.ts', () => {
  it('reads a user without the password digest unless asked for it with the withPassword scope', async () => {
    const { id } = await registerAndLogin();
    const plain = await app.model.User.findByPk(id);
    assert(plain);
    assert.equal(plain.get('password'), undefined);
    const withPassword = await app.model.User.scope('withPassword').findByPk(id);
    assert.match(withPassword?.password ?? '', /^scrypt\$/);
  });

  it('never serialises the digest, even when it was read', async () => {
    const { id } = await registerAndLogin();
    const user = await app.model.User.scope('withPassword').findByPk(id);
    const json = JSON.parse(JSON.stringify(user)) as Record<string, unknown>;
    assert.equal(json.password, undefined);
    assert.equal(json.id, id);
    assert(user?.password);
  });

  it('starts a user with no nickname, no avatar and no coins, and refuses a second user of the same name', async () => {
    const username = uniqueName();
    const user = await app.model.User.create({ username, password: 'x' });
    const row = await app.model.User.findByPk(user.id);
    assert.equal(row?.nickname, '');
    assert.equal(row?.avatar, '');
    assert.equal(row?.coin, 0);
    assert.match(String(row?.created_time), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await assert.rejects(app.model.User.create({ username, password: 'y' }), { name: 'SequelizeUniqueConstraintError' });
  });
});
