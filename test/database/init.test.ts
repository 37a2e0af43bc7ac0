import assert from 'node:assert';
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
      'order.user_id>user', 'coin_log.user_id>user', 'coin_log.order_id>order',
    ];
    assert.deepEqual(fks.map(f => `${f.t}.${f.c}>${f.r}`).sort(), expected.sort());
    // A coin movement outlives its order's row (audit); everything else goes with what it belongs to.
    assert(fks.every(f => f.d === (`${f.t}.${f.c}` === 'coin_log.order_id' ? 'SET NULL' : 'CASCADE')));
  });
});
