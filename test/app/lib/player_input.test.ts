import assert from 'node:assert';
import { once } from 'node:events';
import net from 'node:net';
import WebSocket from 'ws';
import { expectLogged, LiveRoom, logMark, MediaCluster } from '../../media_cluster';
import { ffmpegInstalled } from '../../lib/ffmpeg';
import { watchFlv } from '../../media_support';

// The start of an FLV stream and a tag that claims 16 MB: Node-Media-Server's FLV parser would take it and wait.
const FLV_BYTES = Buffer.concat([
  Buffer.from([ 0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0 ]),
  Buffer.from([ 9, 0xff, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0 ]),
  Buffer.alloc(512),
]);

// A raw connection to the HTTP-FLV port: answers its client port and when the server closes it (null: not within `ms`).
async function rawHttp(port: number, ms: number, writes: Array<string | Buffer>) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const { localPort } = socket;
  const started = Date.now();
  const closed = new Promise<number | null>(resolve => {
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
  socket.resume();
  for (const data of writes) {
    socket.write(data);
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  return { port: localPort, closed: closed.finally(() => socket.destroy()) };
}

// A WebSocket-FLV player that sends one message once open: answers its client port and its close code (null: open
// after `ms`).
async function sendingWs(url: string, ms: number, message: Buffer) {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const port = (ws as unknown as { _socket: net.Socket })._socket.localPort;
  const closed = new Promise<number | null>(resolve => {
    const timer = setTimeout(() => resolve(null), ms);
    ws.once('close', code => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  ws.send(message);
  return { port, code: await closed.finally(() => ws.terminate()) };
}

describe('test/app/lib/player_input.test.ts', function() {
  this.timeout(180000);
  const media = new MediaCluster();
  let room: LiveRoom;

  before(function() {
    if (!ffmpegInstalled()) this.skip();
  });

  before(async () => {
    await media.start({});
    room = await media.liveRoom();
  });

  after(() => media.close());

  const cutLine = (port: number | undefined, reason: string) =>
    new RegExp(`WARN .*\\[media\\] play key=${room.key} session=\\w+ from 127\\.0\\.0\\.1:${port}: cut: ${reason}`);

  it('cuts a WebSocket-FLV player that sends a message, and closes one whose message passes 1 KiB (1009)', async () => {
    const mark = await logMark();
    const sender = await sendingWs(room.wsPlayUrl, 3000, FLV_BYTES);
    assert.equal(sender.code, 1006, 'the player was cut');
    const big = await sendingWs(room.wsPlayUrl, 3000, Buffer.alloc(64 * 1024));
    assert.equal(big.code, 1009, 'the server refused the message as too big');
    await expectLogged(mark, [ cutLine(sender.port, 'a player sent data') ]);
    // A player that sends nothing keeps playing.
    const quiet = await watchFlv(room.wsPlayUrl, 8000, 64 * 1024);
    assert(quiet.avcSequenceHeader && quiet.keyframes > 0 && !quiet.ended);
  });

  it('cuts an HTTP-FLV player that sends a body, bytes after its request, or a second request', async () => {
    const path = new URL(room.playUrl).pathname + new URL(room.playUrl).search;
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
    const mark = await logMark();
    const players = await Promise.all([
      rawHttp(media.flvPort, 3000, [ `${request}Content-Length: 1000000\r\n\r\n`, FLV_BYTES ]),
      rawHttp(media.flvPort, 3000, [ `${request}\r\n`, FLV_BYTES ]),
      rawHttp(media.flvPort, 3000, [ `${request}\r\n${request}\r\n` ]),
    ]);
    const closed = await Promise.all(players.map(player => player.closed));
    assert(closed.every(ms => ms !== null), `closed after ${closed.join(', ')} ms`);
    await expectLogged(mark, [
      cutLine(players[0].port, 'a player sent data'),
      cutLine(players[1].port, 'a player sent data'),
      cutLine(players[2].port, 'a second request on a player\'s connection'),
    ]);
    const quiet = await watchFlv(room.playUrl, 8000, 64 * 1024);
    assert(quiet.status === 200 && quiet.avcSequenceHeader && quiet.keyframes > 0);
  });
});
