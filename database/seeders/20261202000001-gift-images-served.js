'use strict';

// The catalogue's pictures are served by this app (app/public/gift, drawn by database/gift_images.js): clients build
// `baseUrl + image`. Only rows that still hold the first seeder's path are moved, so an operator's own image stays.
const moves = [
  { name: '小心心', from: '/static/gift/1.png', to: '/public/gift/heart.png' },
  { name: '鲜花', from: '/static/gift/2.png', to: '/public/gift/flower.png' },
  { name: '蛋糕', from: '/static/gift/3.png', to: '/public/gift/cake.png' },
  { name: '跑车', from: '/static/gift/4.png', to: '/public/gift/sportscar.png' },
  { name: '火箭', from: '/static/gift/5.png', to: '/public/gift/rocket.png' },
  { name: '城堡', from: '/static/gift/6.png', to: '/public/gift/castle.png' },
];

module.exports = {
  async up(queryInterface) {
    for (const { name, from, to } of moves) {
      await queryInterface.bulkUpdate('gift', { image: to, updated_time: new Date() }, { name, image: from });
    }
  },

  async down(queryInterface) {
    for (const { name, from, to } of moves) {
      await queryInterface.bulkUpdate('gift', { image: from, updated_time: new Date() }, { name, image: to });
    }
  },
};
