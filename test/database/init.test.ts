import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { app } from 'egg-mock/bootstrap';
import { QueryTypes } from 'sequelize';
import { migrateTestDatabase } from '../.setup';

describe('test/database/init.test.ts', () => {
  let database: string;
  before(() => {
    database = (app.config.sequelize as { database: string }).database;
  });

  it('unit tests run against their own database', () => {
    assert.equal(database, process.env.MYSQL_TEST_DATABASE || 'cilicl_live_unittest');
    assert.notEqual(database, process.env.MYSQL_DATABASE || 'cilicl_live');
  });

  it('db:init is idempotent: a second run adds no gifts and no migrations', async () => {
    const gifts = await app.model.Gift.count();
    const [ meta ] = await app.model.query<{ n: number }>('SELECT COUNT(*) AS n FROM sequelize_meta', { type: QueryTypes.SELECT });
    assert(gifts >= 6);
    migrateTestDatabase();
    assert.equal(await app.model.Gift.count(), gifts);
    const [ again ] = await app.model.query<{ n: number }>('SELECT COUNT(*) AS n FROM sequelize_meta', { type: QueryTypes.SELECT });
    assert.equal(Number(again.n), Number(meta.n));
  });

  it('creates the tables of the contract with their unique indexes and foreign keys', async () => {
    const tables = await app.model.query<{ t: string }>(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      { replacements: [ database ], type: QueryTypes.SELECT });
    for (const name of [ 'user', 'live', 'gift', 'comment', 'live_user', 'live_gift', 'order', 'coin_log' ]) {
      assert(tables.some(row => row.t === name), `table ${name}`);
    }
    const unique = await app.model.query<{ t: string; cols: string }>(
      `SELECT TABLE_NAME AS t, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'
       GROUP BY TABLE_NAME, INDEX_NAME`,
      { replacements: [ database ], type: QueryTypes.SELECT });
    const has = (t: string, cols: string) => unique.some(row => row.t === t && row.cols === cols);
    assert(has('user', 'username'));
    assert(has('live', 'key'));
    assert(has('live_user', 'user_id,live_id'));
    assert(has('order', 'no'));
    // One credit per order, whatever races.
    assert(has('coin_log', 'order_id'));
    const fks = await app.model.query<{ t: string; c: string; r: string; d: string }>(
      `SELECT k.TABLE_NAME AS t, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS r, rc.DELETE_RULE AS d
       FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS rc
       ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME
       WHERE k.TABLE_SCHEMA = ?`,
      { replacements: [ database ], type: QueryTypes.SELECT });
    const expected = [
      'live.user_id>user', 'comment.user_id>user', 'comment.live_id>live', 'live_user.user_id>user',
      'live_user.live_id>live', 'live_gift.live_id>live', 'live_gift.user_id>user', 'live_gift.gift_id>gift',
      'order.user_id>user', 'coin_log.user_id>user', 'coin_log.order_id>order', 'coin_log.manager_id>manager',
      'live_moderator.live_id>live', 'live_moderator.user_id>user', 'moderation.user_id>user', 'moderation.live_id>live',
    ];
    assert.deepEqual(fks.map(f => `${f.t}.${f.c}>${f.r}`).sort(), expected.sort());
    // A coin movement outlives its order's row and its manager, a moderation record its user and room (audit);
    // everything else goes with what it belongs to.
    const kept = [ 'coin_log.order_id', 'coin_log.manager_id', 'moderation.user_id', 'moderation.live_id' ];
    assert(fks.every(f => f.d === (kept.includes(`${f.t}.${f.c}`) ? 'SET NULL' : 'CASCADE')));
    assert(has('live_moderator', 'live_id,user_id'));
    assert(has('word', 'word'));
  });

  describe('database/migrations/20261202000001-widen-growing-columns.js', () => {
    const MIGRATION = '20261202000001-widen-growing-columns.js';
    const WIDENED = [ 'live.coin', 'user.coin', 'comment.id', 'live_gift.id', 'live_user.id' ];
    let scratch: string;

    // sequelize-cli on a database of this test's own, so the suite's database keeps its schema whatever happens here.
    function cli(...args: string[]) {
      return execFileSync(resolve('node_modules/.bin/sequelize-cli'), args, {
        env: { ...process.env, EGG_SERVER_ENV: 'unittest', MYSQL_TEST_DATABASE: scratch },
        stdio: [ 'ignore', 'pipe', 'pipe' ],
      }).toString();
    }

    async function typesOf(): Promise<string[]> {
      const rows = await app.model.query<{ c: string; t: string }>(
        'SELECT CONCAT(TABLE_NAME, \'.\', COLUMN_NAME) AS c, CONCAT(DATA_TYPE, IF(COLUMN_TYPE LIKE \'%unsigned%\', \' unsigned\', \'\')) AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
        { replacements: [ scratch ], type: QueryTypes.SELECT });
      return WIDENED.map(column => rows.find(row => row.c === column)?.t ?? 'missing');
    }

    before(async () => {
      scratch = `${database}_migration`;
      await app.model.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
      cli('db:create');
      cli('db:migrate');
    });

    after(() => app.model.query(`DROP DATABASE IF EXISTS \`${scratch}\``));

    it('widens coins and the growing ids to BIGINT UNSIGNED, and runs down and up again cleanly', async () => {
      assert.deepEqual(await typesOf(), WIDENED.map(() => 'bigint unsigned'));
      cli('db:migrate:undo', '--name', MIGRATION);
      assert.deepEqual(await typesOf(), WIDENED.map(() => 'int unsigned'));
      cli('db:migrate');
      assert.deepEqual(await typesOf(), WIDENED.map(() => 'bigint unsigned'));
    });

    it('refuses to narrow a coin that no longer fits INT UNSIGNED, and then changes no column', async () => {
      await app.model.query(`INSERT INTO \`${scratch}\`.user (username, password, coin, created_time, updated_time) VALUES ('rich', 'x', 4294967296, NOW(), NOW())`);
      assert.throws(() => cli('db:migrate:undo', '--name', MIGRATION), (err: { stderr: Buffer }) => /user\.coin holds 4294967296/.test(err.stderr.toString()));
      assert.deepEqual(await typesOf(), WIDENED.map(() => 'bigint unsigned'));
      const [ rich ] = await app.model.query<{ coin: number }>(`SELECT coin FROM \`${scratch}\`.user WHERE username = 'rich'`, { type: QueryTypes.SELECT });
      assert.equal(rich.coin, 4294967296);
    });
  });
});
