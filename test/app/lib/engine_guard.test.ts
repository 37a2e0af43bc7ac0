import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { until } from '../../lib/until';
import { registerAndLogin } from '../../support';
import { Client, connect, openLive, record, request, useSocketTests } from '../../socket_support';

// The engine.io session of a socket.io 2 client.
const engineOf = (socket: Client) => (socket as unknown as { io: { engine: { transport: { name: string }; once(event: string, fn: () => void): void } } }).io.engine;

describe('test/app/lib/engine_guard.test.ts', () => {
  const socketApp = useSocketTests();

  it('refuses a WebSocket upgrade of a session already on WebSocket: its id cannot take the socket over', async () => {
    const { live } = await openLive();
    const victim = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: victim.token });
    assert.equal((await request(socket, 'joinLive', { live_id: live.id })).data.action, 'ok');
    const comments = record<{ content: string }>(socket, 'comment');

    // What engine.io 3 alone lets through: an "upgrade" of the victim's session, then events in its name.
    const intruder = new WebSocket(`${socketApp.url.replace('http', 'ws')}/socket.io/?EIO=3&transport=websocket&sid=${socket.id}`);
    const status = await new Promise<number>(resolve => {
      intruder.once('open', () => resolve(101));
      intruder.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    // Dropping a refused handshake is reported as an error: expected here.
    intruder.on('error', () => undefined);
    intruder.terminate();
    assert.equal(status, 400);

    // The victim keeps its connection and its rights, and nothing was said in its name.
    await sleep(100);
    assert.equal(socket.connected, true);
    assert.equal(engineOf(socket).transport.name, 'websocket');
    assert.equal((await request(socket, 'comment', { live_id: live.id, data: 'still mine' })).data.action, 'ok');
    await until('the comment', () => comments.length === 1);
    assert.deepEqual(comments.map(comment => comment.content), [ 'still mine' ]);
  });

  it('still lets a polling client upgrade to WebSocket', async () => {
    const socket = await connect(socketApp.url, { transports: [ 'polling', 'websocket' ] });
    const engine = engineOf(socket);
    if (engine.transport.name !== 'websocket') await new Promise<void>(resolve => engine.once('upgrade', resolve));
    assert.equal(engine.transport.name, 'websocket');
    // Answered over the upgraded connection.
    assert.deepEqual((await request(socket, 'leaveLive', { live_id: 1 })).data, { action: 'error', payload: '您没有权限访问该接口!' });
  });
});
