import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import mysql from 'mysql2';
import { QueryTypes } from 'sequelize';
import { connection, pinSqlMode, SQL_MODE } from '../../database/config';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const cli = require('../../database/config');

const modes = (mode: string) => mode.split(',').sort();

describe('test/database/config.test.ts', () => {
  it('pins the strict sql_mode on every connection of the app\'s pool', async () => {
    // Held open together, so each runs on a connection of its own.
    const seen = await Promise.all(Array.from({ length: 4 }, () => app.model.transaction(async transaction => {
      const [ row ] = await app.model.query<{ mode: string; id: number }>('SELECT @@SESSION.sql_mode AS mode, CONNECTION_ID() AS id',
        { type: QueryTypes.SELECT, transaction });
      await sleep(50);
      return row;
    })));
    assert.equal(new Set(seen.map(row => row.id)).size, 4);
    for (const row of seen) assert.deepEqual(modes(row.mode), modes(SQL_MODE));
    assert(modes(SQL_MODE).includes('STRICT_ALL_TABLES'));
  });

  it('pins it whatever mode a connection starts with (a server whose global mode is loose), so nothing is clamped or cut', async () => {
    const { host, port, username, password, database } = connection('unittest');
    const raw = mysql.createConnection({ host, port, user: username, password, database });
    const query = (sql: string) => raw.promise().query(sql);
    try {
      // What a new connection gets from a loose server: no strict mode at all.
      await query('SET SESSION sql_mode = \'\'');
      await query('CREATE TEMPORARY TABLE strict_probe (n INT UNSIGNED NOT NULL, s VARCHAR(3) NOT NULL)');
      await query('INSERT INTO strict_probe VALUES (4294967296, \'abcd\')');
      const [ loose ] = await query('SELECT n, s FROM strict_probe');
      assert.deepEqual(loose, [{ n: 4294967295, s: 'abc' }], 'loose: clamped and cut with a warning');

      await pinSqlMode(raw);
      const [[{ mode }]] = await query('SELECT @@SESSION.sql_mode AS mode') as unknown as [[{ mode: string }]];
      assert.deepEqual(modes(mode), modes(SQL_MODE));
      await assert.rejects(query('INSERT INTO strict_probe VALUES (4294967296, \'x\')'), /out of range/i);
      await assert.rejects(query('INSERT INTO strict_probe VALUES (1, \'abcd\')'), /too long/i);
      await assert.rejects(query('UPDATE strict_probe SET n = n + 1'), /out of range/i);
      const [ after ] = await query('SELECT n, s FROM strict_probe');
      assert.deepEqual(after, [{ n: 4294967295, s: 'abc' }]);
    } finally {
      raw.destroy();
    }
  });

  it('gives the pin to sequelize-cli too (migrations run strict), and to Egg through the same connection()', () => {
    for (const env of [ 'development', 'test', 'production' ]) assert.equal(cli[env].hooks.afterConnect, pinSqlMode);
    assert.equal((app.config.sequelize as { hooks: { afterConnect: unknown } }).hooks.afterConnect, pinSqlMode);
  });
});
