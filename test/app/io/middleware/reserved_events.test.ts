import assert from 'node:assert';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';
import { connect, ok, openLive, publicIdOf, snapshot, useSocketTests } from '../../../socket_support';

describe('test/app/io/middleware/reserved_events.test.ts', () => {
  const socketApp = useSocketTests();

  it('ignores events named like socket.io\'s own (a fake disconnect): the socket stays listed until it really closes', async () => {
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: viewer.token });
    await ok(socket, 'joinLive', { live_id: live.id });
    const engine = (socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine;
    engine.write('2["disconnect"]');
    engine.write('2["disconnecting"]');
    // Events still run in order after these: this one is answered once they have been handled.
    await ok(socket, 'comment', { live_id: live.id, data: 'still here' });
    assert.deepEqual((await snapshot(live.id)).clients, [ publicIdOf(socket) ]);
    socket.close();
    await until('the socket to be unlisted', async () => (await snapshot(live.id)).count === 0);
  });
});
