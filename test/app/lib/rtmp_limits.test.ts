import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import net, { AddressInfo } from 'node:net';
import Rtmp from 'node-media-server/src/protocol/rtmp.js';
import { AVPacket, RtmpSession } from 'node-media-server/src/session/base_session.js';
import { allowPublishing, containRtmpErrors, cutUndecided, holdToOneStream, limitRtmpParser } from '../../../app/lib/rtmp_limits';

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
      const outcome = await Promise.race([ decided.closed.then(() => 'closed'), sleep(600, 'open') ]);
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

  // A parser holding one whole message of `type`, as the chunk reader hands it over.
  function parserWith(type: number, payload: Buffer) {
    limitRtmpParser();
    const rtmp = new Rtmp();
    Object.assign(rtmp.parserPacket.header, { type, length: payload.length });
    Object.assign(rtmp.parserPacket, { payload, capacity: payload.length });
    const packets: AVPacket[] = [];
    rtmp.onPacketCallback = packet => packets.push(packet);
    return { rtmp, packets };
  }

  it('throws on a control message shorter than its 4-byte number, and on a chunk size of 0', () => {
    for (const [ type, payload ] of [[ 1, Buffer.alloc(0) ], [ 5, Buffer.alloc(2) ], [ 1, Buffer.alloc(4) ]] as const) {
      assert.throws(() => parserWith(type, payload).rtmp.packetHandler(), /^Error: malformed control message \(type \d, \d bytes\)$/);
    }
    const chunkSize = Buffer.alloc(4);
    chunkSize.writeUInt32BE(4096);
    const { rtmp } = parserWith(1, chunkSize);
    rtmp.packetHandler();
    assert.equal((rtmp as unknown as { inChunkSize: number }).inChunkSize, 4096);
  });

  it('reads media messages of an accepted publisher only', () => {
    const keyframe = Buffer.from([ 0x17, 0x01, 0, 0, 0, 1, 2, 3 ]);
    const { rtmp, packets } = parserWith(9, keyframe);
    rtmp.packetHandler();
    assert.equal(packets.length, 0);
    allowPublishing(rtmp);
    rtmp.packetHandler();
    assert.equal(packets.length, 1);
    assert.deepEqual(packets[0].data, keyframe);
  });

  it('destroys a connection whose data handler throws, and reports it once', async () => {
    const server = net.createServer(socket => socket.on('data', chunk => {
      if (chunk.includes('bad')) throw new Error('unparsable');
    }));
    const broken: string[] = [];
    containRtmpErrors(server, (socket, err) => broken.push(`${socket.remoteAddress} ${err.message}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const good = await connect(server);
      const bad = await connect(server);
      good.socket.write('good');
      bad.socket.write('bad');
      await bad.closed;
      bad.socket.write('bad');
      await sleep(100);
      assert.deepEqual(broken, [ '127.0.0.1 unparsable' ]);
      assert(!good.socket.destroyed);
      good.socket.destroy();
    } finally {
      server.close();
    }
  });
});
