'use strict';

// Columns that only grow, widened to BIGINT UNSIGNED before they overflow INT UNSIGNED (2^32 − 1): the coins of a
// room and of a user (a popular room's sum reaches it, and then every gift into it failed), and the ids of the tables
// every danmaku, gift and first visit adds a row to. look_count stays: one per user, and user ids are INT.
const COINS = { live: '总金币', user: '金币' };
const IDS = [ 'comment', 'live_gift', 'live_user' ];
const INT_UNSIGNED_MAX = 4294967295n;

async function setWidth(queryInterface, type) {
  for (const [ table, comment ] of Object.entries(COINS)) {
    await queryInterface.changeColumn(table, 'coin', { type, allowNull: false, defaultValue: 0, comment });
  }
  // The primary key stays: CHANGE keeps it, and naming it again would declare a second one.
  for (const table of IDS) {
    await queryInterface.changeColumn(table, 'id', { type, allowNull: false, autoIncrement: true });
  }
}

module.exports = {
  async up(queryInterface, Sequelize) {
    await setWidth(queryInterface, Sequelize.BIGINT.UNSIGNED);
  },

  // Refused while any value no longer fits INT UNSIGNED: nothing is cut. Checked before any table changes, so a refused
  // down leaves every column as it was (the connection's strict sql_mode would refuse too, but table by table).
  async down(queryInterface, Sequelize) {
    const columns = [ ...Object.keys(COINS).map(table => [ table, 'coin' ]), ...IDS.map(table => [ table, 'id' ]) ];
    for (const [ table, column ] of columns) {
      const [ { top } ] = await queryInterface.sequelize.query(`SELECT MAX(\`${column}\`) AS top FROM \`${table}\``,
        { type: Sequelize.QueryTypes.SELECT });
      if (top !== null && BigInt(top) > INT_UNSIGNED_MAX) {
        throw new Error(`${table}.${column} holds ${top}, more than INT UNSIGNED takes: not narrowed`);
      }
    }
    await setWidth(queryInterface, Sequelize.INTEGER.UNSIGNED);
  },
};
