import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';
import { connect, errorsOf, ok, openLive, profile, refusal, snapshot, useSocketTests } from '../../../socket_support';

describe('test/app/io/middleware/auth.test.ts', () => {
  const socketApp = useSocketTests();

  it('takes the token given at connection for events that carry none', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: viewer.token });
    await ok(socket, 'joinLive', { live_id: live.id });
    assert.deepEqual((await snapshot(live.id)).data, [ profile(viewer) ]);
    // An event's own token wins over the connection's.
    assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'x', token: 'bad' }), 'Token 令牌不合法!');
  });

  it('tells a socket that connected with a refused token why, and lets its events carry a good one', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: 'not-a-jwt' });
    const errors = errorsOf(socket);
    await until('the connection\'s error', () => errors.length > 0);
    assert.deepEqual(errors, [ 'Token 令牌不合法!' ]);
    await ok(socket, 'joinLive', { live_id: live.id, token: viewer.token });
  });

  it('keeps a connection without a token quiet until one of its events needs a user', async () => {
    const socket = await connect(socketApp.url);
    await new Promise(resolve => setTimeout(resolve, 100));
    assert.deepEqual(errorsOf(socket), []);
    assert.equal(app.io.of('/').connected[socket.id]?.connected, true);
  });
});
