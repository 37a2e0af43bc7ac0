import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';

describe('test/app/extend/helper.test.ts', () => {
  it('parseMsg shapes a socket message as the course does', () => {
    const ctx = app.mockContext();
    const before = Date.now();
    const msg = ctx.helper.parseMsg('error', '直播间不存在');
    assert.deepEqual(msg.data, { action: 'error', payload: '直播间不存在' });
    assert(msg.meta.timestamp >= before && msg.meta.timestamp <= Date.now());
    assert.deepEqual(Object.keys(msg.meta), [ 'timestamp' ]);
  });

  it('parseMsg defaults the payload and merges metadata', () => {
    const ctx = app.mockContext();
    const msg = ctx.helper.parseMsg('ping', undefined, { room: 'live_1' });
    assert.deepEqual(msg.data, { action: 'ping', payload: {} });
    assert.equal(msg.meta.room, 'live_1');
    assert.equal(typeof msg.meta.timestamp, 'number');
  });
});
