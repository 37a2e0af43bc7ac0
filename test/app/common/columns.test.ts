import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { connectionOffset, formatDateTime } from '../../../app/common/columns';

describe('test/app/common/columns.test.ts', () => {
  const instant = new Date('2024-12-31T17:05:09.999Z');

  it('formatDateTime writes YYYY-MM-DD HH:mm:ss at the offset, across a day and a year', () => {
    assert.equal(formatDateTime(instant, '+00:00'), '2024-12-31 17:05:09');
    assert.equal(formatDateTime(instant, '+08:00'), '2025-01-01 01:05:09');
    assert.equal(formatDateTime(instant, '-05:30'), '2024-12-31 11:35:09');
  });

  it('formatDateTime reads an offset it cannot parse as UTC', () => {
    assert.equal(formatDateTime(instant, 'Asia/Shanghai'), '2024-12-31 17:05:09');
    assert.equal(formatDateTime(instant, '+8'), '2024-12-31 17:05:09');
  });

  it('reads the connection\'s offset off the Sequelize instance, UTC when it names none', () => {
    assert.equal(connectionOffset(app.model), (app.config.sequelize as { timezone?: string }).timezone || '+00:00');
    assert.equal(connectionOffset({ options: { timezone: '-05:30' } }), '-05:30');
    assert.equal(connectionOffset({ options: {} }), '+00:00');
  });
});
