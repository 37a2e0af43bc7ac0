'use strict';

// The default gift catalogue; image paths point into the course client's static folder.
const gifts = [
  { name: '小心心', image: '/static/gift/1.png', coin: 1 },
  { name: '鲜花', image: '/static/gift/2.png', coin: 5 },
  { name: '蛋糕', image: '/static/gift/3.png', coin: 10 },
  { name: '跑车', image: '/static/gift/4.png', coin: 100 },
  { name: '火箭', image: '/static/gift/5.png', coin: 500 },
  { name: '城堡', image: '/static/gift/6.png', coin: 1000 },
];

module.exports = {
  async up(queryInterface) {
    const now = new Date();
    await queryInterface.bulkInsert('gift', gifts.map(gift => ({ ...gift, created_time: now, updated_time: now })));
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.bulkDelete('gift', { name: { [Sequelize.Op.in]: gifts.map(gift => gift.name) } });
  },
};
