import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { Socket } from 'socket.io';
import { broadcastWrites, textFrame } from '../../../app/lib/framed_broadcast';
import { processMetrics } from '../../../app/lib/metrics';
import { until } from '../../lib/until';
import { Client, connect, record, useSocketTests } from '../../socket_support';

// The server's side of a client (namespace '/': the same id).
const serverSocketOf = (client: Client): Socket => app.io.of('/').connected[client.id];

// The engine.io packets made for a socket from now on (socket.io's own path makes one per message; a framed
// broadcast makes none).
function enginePackets(client: Client): unknown[] {
  const made: unknown[] = [];
  (serverSocketOf(client).client.conn as unknown as NodeJS.EventEmitter).on('packetCreate', packet => made.push(packet));
  return made;
}

let rooms = 0;
// Clients joined to a room of their own, server side.
function joinRoom(...clients: Client[]): string {
  const room = `framed_test_${process.pid}_${++rooms}`;
  for (const client of clients) serverSocketOf(client).join(room);
  return room;
}

const counts = () => ({ ...broadcastWrites });

// Until the socket's engine.io transport has written everything it was given.
const transportFree = (socket: Socket) =>
  until('the transport free', () => (socket.client.conn as unknown as { transport: { writable: boolean } }).transport.writable);

describe('test/app/lib/framed_broadcast.test.ts', () => {
  const socketApp = useSocketTests();

  it('runs on the engine.io 3 and ws 7 whose internals it reads (app/lib/framed_broadcast.ts)', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    assert.match(require('engine.io/package.json').version, /^3\./);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    assert.match(require(require.resolve('ws/package.json', { paths: [ require.resolve('engine.io') ] })).version, /^7\./);
  });

  it('frames text byte for byte as the ws of engine.io does, in each length class of the header', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Sender = require(require.resolve('ws/lib/sender', { paths: [ require.resolve('engine.io') ] }));
    const asWs = (text: string) => Buffer.concat(Sender.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }));
    for (const text of [ '4', '4弹幕 🎁', '4' + 'x'.repeat(124), '4' + 'x'.repeat(125), '4' + 'z'.repeat(65534), '4' + '长'.repeat(21845), '4' + 'y'.repeat(65535), '4\ud800' ]) {
      assert.deepEqual(textFrame(text), asWs(text), `${text.length} characters`);
    }
    assert.deepEqual([ ...textFrame('4' + 'y'.repeat(65535)).subarray(0, 10) ], [ 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0 ]);
  });

  it('writes a room broadcast to each WebSocket viewer as one frame made once, read by socket.io-client as it sent it', async () => {
    const viewers = [ await connect(socketApp.url), await connect(socketApp.url) ];
    const room = joinRoom(...viewers);
    const seen = viewers.map(viewer => {
      const received: unknown[][] = [];
      viewer.on('note', (...args: unknown[]) => received.push(args));
      return received;
    });
    const made = viewers.map(enginePackets);
    // Each length class of the frame's header, text beyond ASCII, and an event with more than one argument.
    const sent: unknown[][] = [
      [{ content: '弹幕 ✓ 🎁', id: 1 }],
      [{ content: 'x'.repeat(200) }],
      [{ content: '长'.repeat(30000) }],
      [ 'two', { args: true }],
    ];
    const before = counts();
    for (const args of sent) app.io.of('/').to(room).emit('note', ...args);

    for (const received of seen) {
      await until('every broadcast', () => received.length === sent.length);
      assert.deepEqual(received, sent);
    }
    assert.deepEqual(made, [[], []]);
    assert.equal(broadcastWrites.framed - before.framed, 2 * sent.length);
    assert.equal(broadcastWrites.engine - before.engine, 0);
  });

  it('sends through engine.io where a frame cannot go as it is: a polling viewer, a binary attachment', async () => {
    const polling = await connect(socketApp.url, { transports: [ 'polling' ] });
    const viewer = await connect(socketApp.url);
    const room = joinRoom(polling, viewer);
    const seen = [ record<unknown>(polling, 'note'), record<unknown>(viewer, 'note') ];
    const before = counts();
    app.io.of('/').to(room).emit('note', { content: 'to both' });
    app.io.of('/').to(room).emit('note', { bytes: Buffer.from([ 1, 2, 3 ]) });

    for (const received of seen) {
      await until('both broadcasts', () => received.length === 2);
      assert.deepEqual(received[0], { content: 'to both' });
      assert.deepEqual([ ...(received[1] as { bytes: Uint8Array }).bytes ], [ 1, 2, 3 ]);
    }
    // The polling viewer twice, the WebSocket one for the binary broadcast.
    assert.deepEqual({ framed: broadcastWrites.framed - before.framed, engine: broadcastWrites.engine - before.engine }, { framed: 1, engine: 3 });
  });

  it('keeps a socket\'s order: a broadcast goes after what engine.io still holds for it', async () => {
    const viewer = await connect(socketApp.url);
    const room = joinRoom(viewer);
    const seen = record<number>(viewer, 'note');
    const socket = serverSocketOf(viewer);
    const before = counts();
    // The first is written at once and leaves the transport busy until ws calls back; the second waits in engine.io's
    // buffer; the broadcast must not overtake it.
    socket.emit('note', 1);
    socket.emit('note', 2);
    app.io.of('/').to(room).emit('note', 3);
    await until('three notes', () => seen.length === 3);
    assert.deepEqual(seen, [ 1, 2, 3 ]);
    assert.equal(broadcastWrites.engine - before.engine, 1);
    // Once engine.io has written all it held, the next broadcast is framed again.
    await transportFree(socket);
    app.io.of('/').to(room).emit('note', 4);
    await until('four notes', () => seen.length === 4);
    assert.deepEqual(seen, [ 1, 2, 3, 4 ]);
    assert.equal(broadcastWrites.framed - before.framed, 1);
  });

  it('leaves volatile broadcasts to socket.io, which drops them while the transport is still writing', async () => {
    const viewer = await connect(socketApp.url);
    const room = joinRoom(viewer);
    const seen = record<number | string>(viewer, 'note');
    // The first is written and leaves the transport busy until ws calls back; the next two find it busy.
    // socket.io 2's flag, which its typings leave out.
    const volatile = () => (app.io.of('/').to(room) as unknown as { volatile: { emit(event: string, ...args: unknown[]): void } }).volatile;
    for (const n of [ 1, 2, 3 ]) volatile().emit('note', n);
    const socket = serverSocketOf(viewer);
    await transportFree(socket);
    app.io.of('/').to(room).emit('note', 'after');
    await until('the last note', () => seen.includes('after'));
    assert.deepEqual(seen, [ 1, 'after' ]);
  });

  it('counts the deliveries by path in cilicl_socket_broadcast_writes_total', async () => {
    const viewer = await connect(socketApp.url);
    const room = joinRoom(viewer);
    const seen = record(viewer, 'note');
    app.io.of('/').to(room).emit('note', 'counted');
    await until('the note', () => seen.length === 1);
    const metric = await processMetrics.getSingleMetric('cilicl_socket_broadcast_writes_total')!.get();
    const valueOf = (path: string) => metric.values.find(value => value.labels.path === path)?.value;
    // Both paths, as this process counted them.
    assert.equal(valueOf('framed'), broadcastWrites.framed);
    assert.equal(valueOf('engine') ?? 0, broadcastWrites.engine);
    assert.ok(broadcastWrites.framed > 0);
  });
});
