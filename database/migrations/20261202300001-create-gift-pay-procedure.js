'use strict';

const { procedureMigration } = require('../procedure');

// A gift's payment in one round trip (app/service/gift.ts): the same two conditional updates and the live_gift row
// as before, in the same lock order (the live, then the user) and in one transaction, run by the server. Any error
// rolls it all back. It answers one row: outcome 'paid', 'closed' (the room is not live or paused: nothing written)
// or 'poor' (the sender's coins do not suffice: nothing written, and the room's row not even locked when a plain read
// shows it). A gift of price 0 moves no coin and is stored.
// Statuses 1 and 2 are LiveStatus.Live and LiveStatus.Paused (app/model/live.ts).
const CREATE = `
CREATE PROCEDURE gift_pay(IN p_live INT UNSIGNED, IN p_user INT UNSIGNED, IN p_gift INT UNSIGNED, IN p_price BIGINT UNSIGNED)
  MODIFIES SQL DATA
  SQL SECURITY INVOKER
pay: BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  -- A sender who plainly cannot pay takes no lock on the room's row (a read, outside the transaction); the
  -- conditional update below still decides every race.
  IF p_price > 0 AND NOT EXISTS (SELECT 1 FROM user WHERE id = p_user AND coin >= p_price) THEN
    SELECT 'poor' AS outcome;
    LEAVE pay;
  END IF;
  START TRANSACTION;
  IF p_price > 0 THEN
    UPDATE live SET coin = coin + p_price, updated_time = NOW() WHERE id = p_live AND status IN (1, 2);
    IF ROW_COUNT() <> 1 THEN
      ROLLBACK;
      SELECT 'closed' AS outcome;
      LEAVE pay;
    END IF;
    UPDATE user SET coin = coin - p_price, updated_time = NOW() WHERE id = p_user AND coin >= p_price;
    IF ROW_COUNT() <> 1 THEN
      ROLLBACK;
      SELECT 'poor' AS outcome;
      LEAVE pay;
    END IF;
  END IF;
  INSERT INTO live_gift (live_id, user_id, gift_id, created_time, updated_time) VALUES (p_live, p_user, p_gift, NOW(), NOW());
  COMMIT;
  SELECT 'paid' AS outcome;
END`;

module.exports = procedureMigration('gift_pay', CREATE);
