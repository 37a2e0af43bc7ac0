'use strict';

const { procedureMigration } = require('../procedure');

// A viewer's first visit to a live in one round trip (service.live.recordVisit): +1 look_count and the live_user row,
// in one transaction run by the server, or nothing; the unique (user_id, live_id) index decides between visits at the
// same moment. A visit already recorded is told by a read, without a lock. The live's row is locked first, as gifts
// lock it (gift_pay), and only for the two statements: a crowd joining one room no longer waits on that row's lock
// for the round trips of a client-side transaction. It answers one row: first = 1 for a first visit, else 0.
const CREATE = `
CREATE PROCEDURE live_visit(IN p_live BIGINT UNSIGNED, IN p_user BIGINT UNSIGNED)
  MODIFIES SQL DATA
  SQL SECURITY INVOKER
visit: BEGIN
  DECLARE duplicate BOOLEAN DEFAULT FALSE;
  -- ER_DUP_ENTRY: the same visit committed meanwhile (a handler for one error code comes before SQLEXCEPTION's).
  DECLARE CONTINUE HANDLER FOR 1062 SET duplicate = TRUE;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  IF EXISTS (SELECT 1 FROM live_user WHERE user_id = p_user AND live_id = p_live) THEN
    SELECT 0 AS first;
    LEAVE visit;
  END IF;
  START TRANSACTION;
  UPDATE live SET look_count = look_count + 1, updated_time = NOW() WHERE id = p_live;
  INSERT INTO live_user (user_id, live_id, created_time, updated_time) VALUES (p_user, p_live, NOW(), NOW());
  IF duplicate THEN
    ROLLBACK;
    SELECT 0 AS first;
    LEAVE visit;
  END IF;
  COMMIT;
  SELECT 1 AS first;
END`;

module.exports = procedureMigration('live_visit', CREATE);
