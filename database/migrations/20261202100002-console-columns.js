'use strict';

// What the console writes: the manager behind a coin adjustment (coin_log.note holds its reason), and gifts hidden
// from the catalogue (a gift already sent is never deleted: live_gift rows name it).
module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, BOOLEAN } = Sequelize;
    await queryInterface.addColumn('coin_log', 'manager_id', {
      type: INTEGER.UNSIGNED,
      allowNull: true,
      references: { model: 'manager', key: 'id' },
      onUpdate: 'CASCADE',
      // The adjustment stays explained (note) when its manager is removed.
      onDelete: 'SET NULL',
      comment: '调整金币的管理员',
    });
    await queryInterface.addColumn('gift', 'hidden', {
      type: BOOLEAN, allowNull: false, defaultValue: false, comment: '不在礼物列表中',
    });
  },

  async down(queryInterface) {
    await queryInterface.removeColumn('coin_log', 'manager_id');
    await queryInterface.removeColumn('gift', 'hidden');
  },
};
