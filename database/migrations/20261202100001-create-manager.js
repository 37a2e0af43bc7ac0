'use strict';

// The console's operators (GET /admin/login): apart from the app's users, made by `npm run manager -- add <name>`.
module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, STRING, DATE } = Sequelize;
    await queryInterface.createTable('manager', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      username: { type: STRING(30), allowNull: false, unique: true, comment: '管理员名' },
      password: { type: STRING(200), allowNull: false, comment: 'scrypt 摘要' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('manager');
  },
};
