'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, DATE } = Sequelize;
    const reference = model => ({
      type: INTEGER.UNSIGNED,
      allowNull: false,
      references: { model, key: 'id' },
      onUpdate: 'CASCADE',
      onDelete: 'CASCADE',
    });
    await queryInterface.createTable('live_user', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      user_id: reference('user'),
      live_id: reference('live'),
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
    // One row per viewer per live: the first visit is what counts towards look_count.
    await queryInterface.addIndex('live_user', [ 'user_id', 'live_id' ], { unique: true, name: 'live_user_user_id_live_id' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('live_user');
  },
};
