'use strict';

const { SQL_MODE } = require('./config');

// A migration that makes one stored procedure (gift_pay, live_visit): `create` is its CREATE PROCEDURE statement.
// A procedure keeps the sql_mode it was made under, so it is made under the app's strict one, whatever the server's
// global mode; made again from scratch if a former run left it.
function procedureMigration(name, create) {
  return {
    async up(queryInterface) {
      await queryInterface.sequelize.query(`SET SESSION sql_mode = '${SQL_MODE}'`);
      await queryInterface.sequelize.query(`DROP PROCEDURE IF EXISTS ${name}`);
      await queryInterface.sequelize.query(create);
    },

    async down(queryInterface) {
      await queryInterface.sequelize.query(`DROP PROCEDURE IF EXISTS ${name}`);
    },
  };
}

module.exports = { procedureMigration };
