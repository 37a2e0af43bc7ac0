'use strict';

// Moderation (README, "Moderation"): room moderators, the record of every action, the word filter, hidden danmaku
// and banned users.
module.exports = {
  async up(queryInterface, Sequelize) {
    const { BIGINT, INTEGER, TINYINT, BOOLEAN, STRING, DATE, ENUM } = Sequelize;
    const table = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
    const user = { model: 'user', key: 'id' };
    const live = { model: 'live', key: 'id' };

    // 房管: users a room's owner lets mute, kick and hide in that room.
    await queryInterface.createTable('live_moderator', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      live_id: { type: INTEGER.UNSIGNED, allowNull: false, references: live, onUpdate: 'CASCADE', onDelete: 'CASCADE' },
      user_id: { type: INTEGER.UNSIGNED, allowNull: false, references: user, onUpdate: 'CASCADE', onDelete: 'CASCADE' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, table);
    await queryInterface.addIndex('live_moderator', [ 'live_id', 'user_id' ], { unique: true, name: 'live_moderator_live_user' });

    // Every moderation action: who (a manager or a user), whom, what, where, until when.
    await queryInterface.createTable('moderation', {
      id: { type: BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true },
      actor_kind: { type: ENUM('manager', 'user'), allowNull: false, comment: '操作者类型' },
      // A manager's or a user's id, by actor_kind: no foreign key, the record outlives both.
      actor_id: { type: INTEGER.UNSIGNED, allowNull: false, comment: '操作者' },
      user_id: { type: INTEGER.UNSIGNED, allowNull: true, references: user, onUpdate: 'CASCADE', onDelete: 'CASCADE', comment: '对象' },
      live_id: { type: INTEGER.UNSIGNED, allowNull: true, references: live, onUpdate: 'CASCADE', onDelete: 'CASCADE' },
      action: { type: ENUM('mute', 'unmute', 'kick', 'ban', 'unban', 'hide'), allowNull: false },
      until: { type: DATE, allowNull: true, comment: '截止时间' },
      comment_id: { type: BIGINT.UNSIGNED, allowNull: true },
      reason: { type: STRING(200), allowNull: false, defaultValue: '', comment: '原因' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, table);
    await queryInterface.addIndex('moderation', [ 'live_id', 'id' ], { name: 'moderation_live' });
    await queryInterface.addIndex('moderation', [ 'user_id', 'id' ], { name: 'moderation_user' });

    // Words refused in danmaku and room titles.
    await queryInterface.createTable('word', {
      id: { type: INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
      word: { type: STRING(50), allowNull: false, unique: true },
      created_by: { type: INTEGER.UNSIGNED, allowNull: false, comment: '添加的管理员' },
      created_time: { type: DATE, allowNull: false },
      updated_time: { type: DATE, allowNull: false },
    }, table);

    await queryInterface.addColumn('comment', 'hidden', { type: BOOLEAN, allowNull: false, defaultValue: false });
    // 1 active, 0 banned: a banned user cannot log in (用户不存在或已被禁用).
    await queryInterface.addColumn('user', 'status', { type: TINYINT.UNSIGNED, allowNull: false, defaultValue: 1, comment: '1 正常, 0 禁用' });
  },

  async down(queryInterface) {
    await queryInterface.removeColumn('user', 'status');
    await queryInterface.removeColumn('comment', 'hidden');
    await queryInterface.dropTable('word');
    await queryInterface.dropTable('moderation');
    await queryInterface.dropTable('live_moderator');
  },
};
