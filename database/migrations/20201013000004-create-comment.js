'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, TEXT, DATE } = Sequelize;
    const reference = model => ({
      type: INTEGER.UNSIGNED,
      allowNull: false,
      references: { model, key: 'id' },
      onUpdate: 'CASCADE',
      onDelete: 'CASCADE',
    });
    await queryInterface.createTable('comment', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      content: { type: TEXT, allowNull: false, comment: '弹幕内容' },
      user_id: reference('user'),
      live_id: reference('live'),
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('comment');
  },
};
