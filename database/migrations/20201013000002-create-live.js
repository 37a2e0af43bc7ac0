'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, STRING, DATE, TINYINT } = Sequelize;
    await queryInterface.createTable('live', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      title: { type: STRING(100), allowNull: false, comment: '直播间标题' },
      cover: { type: STRING(200), allowNull: false, defaultValue: '', comment: '直播间封面' },
      user_id: {
        type: INTEGER.UNSIGNED,
        allowNull: false,
        comment: '主播',
        references: { model: 'user', key: 'id' },
        onUpdate: 'CASCADE',
        onDelete: 'CASCADE',
      },
      look_count: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0, comment: '总观看人数' },
      coin: { type: INTEGER.UNSIGNED, allowNull: false, defaultValue: 0, comment: '总金币' },
      key: { type: STRING(20), allowNull: false, unique: true, comment: '推流 key' },
      status: { type: TINYINT.UNSIGNED, allowNull: false, defaultValue: 0, comment: '0 未开播 1 直播中 2 暂停直播 3 直播结束' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
    // The room list filters by status and pages newest first.
    await queryInterface.addIndex('live', [ 'status', 'id' ], { name: 'live_status_id' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('live');
  },
};
