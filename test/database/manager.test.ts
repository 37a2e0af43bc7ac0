import assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { app } from 'egg-mock/bootstrap';
import { AdminClient } from '../admin_support';
import { uniqueName } from '../support';

const ROOT = path.resolve(__dirname, '../..');

// The environment of a shell: without what egg-bin sets for the test runner (its NODE_OPTIONS preloads).
const SHELL_ENV = Object.fromEntries(Object.entries(process.env).filter(([ name ]) => name !== 'NODE_OPTIONS'));

// npm run manager -- <args>, against the test database (EGG_SERVER_ENV=unittest, as sequelize-cli is run).
function manager(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync('npm', [ 'run', '--silent', 'manager', '--', ...args ], {
    cwd: ROOT, encoding: 'utf8', stdio: [ 'ignore', 'pipe', 'pipe' ], env: { ...SHELL_ENV, EGG_SERVER_ENV: 'unittest', ...env },
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('test/database/manager.test.ts', () => {
  it('adds the first manager from MANAGER_PASSWORD, who can log in; lists, changes the password, removes', async function() {
    this.timeout(60000);
    const username = uniqueName('m');
    const added = manager([ 'add', username ], { MANAGER_PASSWORD: 'first-manager-pass' });
    assert.equal(added.status, 0, added.out);
    assert.equal((await new AdminClient().login(username, 'first-manager-pass')).headers.location, '/admin');
    assert.match(manager([ 'list' ]).out, new RegExp(`\\t${username}\\n`));
    assert.equal(manager([ 'passwd', username ], { MANAGER_PASSWORD: 'second-manager-pass' }).status, 0);
    assert.equal((await new AdminClient().login(username, 'second-manager-pass')).headers.location, '/admin');
    assert.equal(manager([ 'remove', username ]).status, 0);
    assert.equal(await app.model.Manager.count({ where: { username } }), 0);
  });

  it('refuses a taken name, a short password, a bad name, and no password without a terminal', function() {
    this.timeout(60000);
    const username = uniqueName('m');
    assert.equal(manager([ 'add', username ], { MANAGER_PASSWORD: 'first-manager-pass' }).status, 0);
    const taken = manager([ 'add', username ], { MANAGER_PASSWORD: 'first-manager-pass' });
    assert.deepEqual([ taken.status, taken.out.trim() ], [ 1, `manager ${username} exists already` ]);
    assert.match(manager([ 'add', uniqueName('m') ], { MANAGER_PASSWORD: 'short' }).out, /8 to 100 characters/);
    assert.match(manager([ 'add', 'has space' ], { MANAGER_PASSWORD: 'long-enough-pass' }).out, /2 to 30 letters/);
    const noTerminal = manager([ 'add', uniqueName('m') ], { MANAGER_PASSWORD: undefined });
    assert.deepEqual([ noTerminal.status, noTerminal.out.trim() ], [ 1, 'no terminal to read the password from: set MANAGER_PASSWORD' ]);
    assert.match(manager([ 'frobnicate' ]).out, /usage: npm run manager/);
  });
});
