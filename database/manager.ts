// npm run manager -- add <username> | passwd <username> | remove <username> | list
// The console's managers, from the command line: the first one can come from nowhere else. The password is read from
// the terminal without echo, or from MANAGER_PASSWORD for scripts. EGG_SERVER_ENV picks the database, as sequelize-cli.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { QueryTypes, Sequelize } from 'sequelize';
import { hashPassword } from '../app/common/password';
import { connection } from './config';

const PASSWORD_MIN_LENGTH = 8;
const USERNAME = /^[\p{L}\p{N}_.@-]{2,30}$/u;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// Asked on the terminal, what is typed not shown.
function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise(resolve => {
    rl.question(question, answer => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function password(): Promise<string> {
  let value = process.env.MANAGER_PASSWORD;
  if (value === undefined) {
    if (!process.stdin.isTTY) fail('no terminal to read the password from: set MANAGER_PASSWORD');
    value = await prompt('Password: ');
    if (value !== await prompt('Password again: ')) fail('the two passwords differ');
  }
  if (value.length < PASSWORD_MIN_LENGTH || value.length > 100) fail(`the password must have ${PASSWORD_MIN_LENGTH} to 100 characters`);
  return value;
}

async function main() {
  const [ command, username ] = process.argv.slice(2);
  const db = new Sequelize(connection());
  const query = (sql: string, replacements: Record<string, unknown>, type = QueryTypes.SELECT) => db.query(sql, { replacements, type });
  try {
    if (command === 'list') {
      const rows = await query('SELECT id, username, created_time FROM manager ORDER BY id', {}) as Array<Record<string, unknown>>;
      for (const row of rows) process.stdout.write(`${row.id}\t${row.username}\n`);
      return;
    }
    if (!username || ![ 'add', 'passwd', 'remove' ].includes(command)) {
      fail('usage: npm run manager -- add <username> | passwd <username> | remove <username> | list');
    }
    if (command === 'add') {
      if (!USERNAME.test(username)) fail('a username has 2 to 30 letters, digits or _ . @ -');
      const digest = await hashPassword(await password());
      await query('INSERT INTO manager (username, password, created_time, updated_time) VALUES (:username, :digest, NOW(), NOW())',
        { username, digest }, QueryTypes.INSERT).catch(err => fail(err.name === 'SequelizeUniqueConstraintError' ? `manager ${username} exists already` : err.message));
      process.stdout.write(`manager ${username} added\n`);
    } else if (command === 'passwd') {
      const digest = await hashPassword(await password());
      const [ , changed ] = await query('UPDATE manager SET password = :digest, updated_time = NOW() WHERE username = :username',
        { username, digest }, QueryTypes.UPDATE) as unknown as [ unknown, number ];
      if (!changed) fail(`no manager ${username}`);
      process.stdout.write(`password of ${username} changed\n`);
    } else {
      await query('DELETE FROM manager WHERE username = :username', { username }, QueryTypes.DELETE);
      process.stdout.write(`manager ${username} removed\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch(err => fail(err.message));
