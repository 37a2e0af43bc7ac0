'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, STRING, DATE } = Sequelize;
    await queryInterface.createTable('gift', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      name: { type: STRING(30), allowNull: false, comment: '礼物名称' },
      image: { type: STRING(200), allowNull: false, defaultValue: '', comment: '礼物图标' },
      coin: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0, comment: '价格（金币）' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('gift');
  },
};
