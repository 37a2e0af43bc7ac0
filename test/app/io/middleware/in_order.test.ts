import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { registerAndLogin } from '../../../support';
import { connect, openLive, request, snapshot, useSocketTests } from '../../../socket_support';

describe('test/app/io/middleware/in_order.test.ts', () => {
  const socketApp = useSocketTests();

  it('runs one socket\'s events in order: a leave sent right after its join leaves it unlisted', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: viewer.token });
    const join = request(socket, 'joinLive', { live_id: live.id });
    const leave = request(socket, 'leaveLive', { live_id: live.id });
    assert.equal((await join).data.action, 'ok');
    assert.equal((await leave).data.action, 'ok');
    assert.equal((await snapshot(live.id)).count, 0);
    assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 1);
  });

  it('refuses events past config.realtime.maxPendingEvents waiting on one socket', async () => {
    mm(app.config.realtime.comment, 'limit', 1000);
    const { live } = await openLive();
    const user = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: user.token });
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      request(socket, 'comment', { live_id: live.id, data: `burst ${i}` })));
    const accepted = replies.filter(reply => reply.data.action === 'ok').length;
    const refused = replies.filter(reply => reply.data.payload === '请求太频繁，请稍后再试').length;
    assert.equal(accepted + refused, 60);
    assert(refused > 0 && accepted >= app.config.realtime.maxPendingEvents, `${accepted} accepted, ${refused} refused`);
    assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), accepted);
  });
});
