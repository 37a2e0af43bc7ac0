'use strict';

// One row for every coin movement that has no row of its own (a recharge now, the console's adjustments later; a
// gift's is its live_gift row), so a user's balance can be explained line by line.
module.exports = {
  async up(queryInterface, Sequelize) {
    const { BIGINT, INTEGER, STRING, DATE, ENUM } = Sequelize;
    await queryInterface.createTable('coin_log', {
      // BIGINT as coins and the other tables that grow with every movement (20261202000001).
      id: { type: BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true },
      user_id: {
        type: INTEGER.UNSIGNED,
        allowNull: false,
        references: { model: 'user', key: 'id' },
        onUpdate: 'CASCADE',
        onDelete: 'CASCADE',
      },
      coin: { type: BIGINT, allowNull: false, comment: '变动 (正为收入, 负为支出)' },
      kind: { type: ENUM('recharge', 'gift', 'adjust'), allowNull: false, comment: '类型' },
      order_id: {
        type: INTEGER.UNSIGNED,
        allowNull: true,
        unique: true,
        references: { model: 'order', key: 'id' },
        onUpdate: 'CASCADE',
        onDelete: 'SET NULL',
      },
      note: { type: STRING(200), allowNull: false, defaultValue: '', comment: '说明' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('coin_log');
  },
};
