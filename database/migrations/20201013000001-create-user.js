'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, STRING, DATE } = Sequelize;
    await queryInterface.createTable('user', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      username: { type: STRING(30), allowNull: false, unique: true, comment: '用户名' },
      password: { type: STRING(200), allowNull: false, comment: 'scrypt 摘要' },
      nickname: { type: STRING(30), allowNull: false, defaultValue: '', comment: '昵称' },
      avatar: { type: STRING(200), allowNull: false, defaultValue: '', comment: '头像' },
      coin: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0, comment: '金币' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('user');
  },
};
