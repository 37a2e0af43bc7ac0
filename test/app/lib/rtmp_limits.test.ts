import assert from 'node:assert';
import { once } from 'node:events';
import net, { AddressInfo } from 'node:net';
import { RtmpSession } from 'node-media-server/src/session/base_session.js';
import { cutUndecided, holdToOneStream } from '../../../app/lib/rtmp_limits';

describe('test/app/lib/rtmp_limits.test.ts', () => {
  const key = 'L3V8KhRHin40gNug58zy';

  // A TCP server that cuts undecided connections after `deadline` ms; decide() settles a connection's stream.
  async function listen(deadline: number, decide: (socket: net.Socket) => boolean) {
    const server = net.createServer();
    cutUndecided(server, deadline);
    server.on('connection', socket => {
      if (decide(socket)) holdToOneStream({ socket, rtmp: {} } as unknown as RtmpSession, () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return server;
  }

  async function connect(server: net.Server) {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const started = Date.now();
    const closed = once(socket, 'close').then(() => Date.now() - started);
    return { socket, closed };
  }

  it('cuts a connection that has not asked for a stream by the deadline, and keeps one that has', async () => {
    let count = 0;
    const server = await listen(300, () => count++ === 1);
    try {
      const undecided = await connect(server);
      const decided = await connect(server);
      const waited = await undecided.closed;
      assert(waited >= 250 && waited < 2000, `cut after ${waited} ms`);
      const outcome = await Promise.race([ decided.closed.then(() => 'closed'), new Promise(r => setTimeout(r, 600, 'open')) ]);
      assert.equal(outcome, 'open');
      decided.socket.destroy();
    } finally {
      server.close();
    }
  });

  it('refuses a later publish or play on the connection, naming the room it asked for', () => {
    const rtmp = {} as RtmpSession['rtmp'];
    const refused: unknown[] = [];
    holdToOneStream({ socket: new net.Socket(), rtmp } as RtmpSession, (action, asked) => refused.push([ action, asked ]));
    rtmp.onConnectCallback({ app: 'live', name: key });
    rtmp.onPlayCallback();
    rtmp.onConnectCallback({ app: 'other', name: key });
    rtmp.onPushCallback();
    assert.deepEqual(refused, [[ 'play', key ], [ 'publish', null ]]);
  });
});
