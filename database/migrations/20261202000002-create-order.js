'use strict';

// The course's order table (no, user_id, price in yuan, status), plus what a real payment needs: the amount in fen
// WeChat Pay was asked for, the coins it buys (fixed when ordered), its transaction id and when it was paid.
module.exports = {
  async up(queryInterface, Sequelize) {
    const { INTEGER, STRING, DATE, ENUM } = Sequelize;
    await queryInterface.createTable('order', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      no: { type: STRING(32), allowNull: false, unique: true, comment: '订单号 (out_trade_no)' },
      user_id: {
        type: INTEGER.UNSIGNED,
        allowNull: false,
        references: { model: 'user', key: 'id' },
        onUpdate: 'CASCADE',
        onDelete: 'CASCADE',
      },
      price: { type: INTEGER.UNSIGNED, allowNull: false, comment: '价格 (元)' },
      amount: { type: INTEGER.UNSIGNED, allowNull: false, comment: '金额 (分)' },
      coin: { type: INTEGER.UNSIGNED, allowNull: false, comment: '到账金币' },
      status: { type: ENUM('pending', 'success', 'fail'), allowNull: false, defaultValue: 'pending', comment: '支付状态' },
      transaction_id: { type: STRING(32), allowNull: true, comment: '微信支付订单号' },
      paid_at: { type: DATE, allowNull: true, comment: '支付时间' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
    // The schedule looks for orders still pending after a while.
    await queryInterface.addIndex('order', [ 'status', 'created_time' ]);
  },

  async down(queryInterface) {
    await queryInterface.dropTable('order');
  },
};
