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
    await queryInterface.createTable('live_gift', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      live_id: reference('live'),
      user_id: reference('user'),
      gift_id: reference('gift'),
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('live_gift');
  },
};
