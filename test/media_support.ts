import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOSED, playFlv, playWsFlv } from './lib/flv_player';
import WebSocket from 'ws';

// The kernel's range for the local ports of outgoing connections (Linux's usual one where it cannot be read).
function ephemeralPorts(): { low: number; high: number } {
  try {
    const [ low, high ] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return { low, high };
  } catch {
    // not Linux
  }
  return { low: 32768, high: 60999 };
}

async function canListen(port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen(port);
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

// Ports nobody listens on right now, for a server of the test's own. Below the ephemeral range: a port from it, as
// listen(0) gives, can be taken by any outgoing connection (to MySQL, Redis, a player) before the server listens,
// and an egg cluster then fails with EADDRINUSE.
export async function freePort(): Promise<number> {
  const { low, high } = ephemeralPorts();
  const [ from, to ] = low > 11024 ? [ low - 10000, low ] : [ high + 1, Math.min(65536, high + 10001) ];
  for (let tries = 0; tries < 100; tries++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to - 1}`);
}

export interface FlvTag {
  type: number;
  size: number;
  timestamp: number;
}

export interface FlvCheck {
  status: number;
  // 'FLV', version 1.
  header: boolean;
  tags: FlvTag[];
  // Every tag's PreviousTagSize matched its length.
  framed: boolean;
  avcSequenceHeader: boolean;
  keyframes: number;
  audioTags: number;
  // The server closed the stream (before `ms` passed).
  ended: boolean;
  bytes: number;
  data: Buffer;
}

// Parses an FLV byte stream: header, then tags, each followed by its PreviousTagSize.
function parseFlv(data: Buffer): Omit<FlvCheck, 'status' | 'ended' | 'bytes' | 'data'> {
  const result = { header: false, tags: [] as FlvTag[], framed: true, avcSequenceHeader: false, keyframes: 0, audioTags: 0 };
  if (data.length < 13) return result;
  result.header = data.toString('latin1', 0, 3) === 'FLV' && data[3] === 1 && data.readUInt32BE(5) === 9;
  let offset = 13;
  while (offset + 11 <= data.length) {
    // Low 5 bits: the tag type; the timestamp's fourth byte comes last and is its high byte.
    const type = data[offset] % 32;
    const size = data.readUIntBE(offset + 1, 3);
    const timestamp = data.readUIntBE(offset + 4, 3) + data[offset + 7] * 2 ** 24;
    if (offset + 11 + size + 4 > data.length) break;
    if (data.readUInt32BE(offset + 11 + size) !== 11 + size) result.framed = false;
    const body = data.subarray(offset + 11, offset + 11 + size);
    // Video: frame type (1 key) in the high nibble, codec (7 AVC) in the low one, then the AVC packet type.
    if (type === 9 && body[0] % 16 === 7) {
      if (body[1] === 0) result.avcSequenceHeader = true;
      else if (body[1] === 1 && Math.floor(body[0] / 16) === 1) result.keyframes++;
    }
    if (type === 8) result.audioTags++;
    result.tags.push({ type, size, timestamp });
    offset += 11 + size + 4;
  }
  return result;
}

// Plays an HTTP-FLV or WebSocket-FLV URL for at most `ms`, or until `enough` bytes came; answers what came, parsed.
export async function watchFlv(url: string, ms = 5000, enough = 256 * 1024): Promise<FlvCheck> {
  const play = url.startsWith('ws') ? playWsFlv : playFlv;
  const player = play(url, { keep: true, enough, startTimeoutMs: 2 * ms });
  await Promise.race([ player.closed, sleep(ms, undefined, { ref: false }) ]);
  const ended = player.ended !== null && player.ended !== CLOSED;
  player.close();
  const data = player.data();
  return { status: player.status, ended, bytes: data.length, data, ...parseFlv(data) };
}

// AMF0 values for RTMP commands: strings, numbers, null and flat objects.
type Amf = string | number | null | Record<string, string | number>;
function amf0(value: Amf): Buffer {
  if (value === null) return Buffer.from([ 0x05 ]);
  if (typeof value === 'number') {
    const buf = Buffer.alloc(9);
    buf[0] = 0x00;
    buf.writeDoubleBE(value, 1);
    return buf;
  }
  const str = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(bytes.length);
    return Buffer.concat([ len, bytes ]);
  };
  if (typeof value === 'string') return Buffer.concat([ Buffer.from([ 0x02 ]), str(value) ]);
  const fields = Object.entries(value).map(([ k, v ]) => Buffer.concat([ str(k), amf0(v) ]));
  return Buffer.concat([ Buffer.from([ 0x03 ]), ...fields, Buffer.from([ 0, 0, 0x09 ]) ]);
}

// One RTMP message in one chunk (format 0), on chunk stream `csid`.
function rtmpMessage(csid: number, type: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = csid;
  header.writeUIntBE(0, 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = type;
  header.writeUInt32LE(streamId, 8);
  return Buffer.concat([ header, payload ]);
}

// A bare RTMP client, for what ffmpeg will not do (several commands on one connection, arbitrary packets).
export class RawRtmp {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise(resolve => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  // Connects, shakes hands and sends connect and createStream for `app`.
  static async connect(port: number, app = 'live'): Promise<RawRtmp> {
    const client = await RawRtmp.handshake(port);
    client.command(0, [ 'connect', 1, { app, tcUrl: `rtmp://127.0.0.1:${port}/${app}` }]);
    client.command(0, [ 'createStream', 2, null ]);
    return client;
  }

  // Connects and shakes hands (the simple handshake), then raises the chunk size so every message fits one chunk.
  static async handshake(port: number): Promise<RawRtmp> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const client = new RawRtmp(socket);
    let received = Buffer.alloc(0);
    const s0s1s2 = new Promise<Buffer>(resolve => {
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([ received, chunk ]);
        if (received.length >= 1 + 1536 * 2) {
          socket.off('data', onData);
          resolve(received.subarray(1, 1537));
        }
      };
      socket.on('data', onData);
    });
    socket.write(Buffer.concat([ Buffer.from([ 3 ]), Buffer.alloc(1536) ]));
    socket.write(await s0s1s2);
    socket.resume();
    const chunkSize = Buffer.alloc(4);
    chunkSize.writeUInt32BE(65536);
    socket.write(rtmpMessage(2, 1, 0, chunkSize));
    return client;
  }

  // One message of any type, in one chunk.
  send(csid: number, type: number, streamId: number, payload: Buffer): void {
    this.socket.write(rtmpMessage(csid, type, streamId, payload));
  }

  command(streamId: number, values: Amf[]): void {
    this.socket.write(RawRtmp.commandMessage(streamId, values));
  }

  static commandMessage(streamId: number, values: Amf[]): Buffer {
    return rtmpMessage(3, 20, streamId, Buffer.concat(values.map(amf0)));
  }

  static playMessage(streamName: string): Buffer {
    return RawRtmp.commandMessage(1, [ 'play', 0, null, streamName ]);
  }

  publish(streamName: string): void {
    this.command(1, [ 'publish', 0, null, streamName, 'live' ]);
  }

  play(streamName: string): void {
    this.socket.write(RawRtmp.playMessage(streamName));
  }

  // The first chunk of a message that claims `length` bytes, on chunk stream `csid`; the rest never comes.
  sendClaim(csid: number, length: number): void {
    const header = Buffer.alloc(12);
    header[0] = csid;
    header.writeUIntBE(length, 4, 3);
    header[7] = 9;
    this.socket.write(header);
  }

  // A control message that asks for nothing (Window Acknowledgement Size): traffic without a decision.
  sendWindowAck(): void {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(5000000);
    this.socket.write(rtmpMessage(2, 5, 0, size));
  }

  // An H.264 keyframe tag whose NAL data is `marker`: a viewer that receives it got what this client sent.
  sendVideo(marker: Buffer): void {
    this.socket.write(rtmpMessage(6, 9, 1, Buffer.concat([ Buffer.from([ 0x17, 0x01, 0, 0, 0 ]), marker ])));
  }
}

// A player that stops reading: the server's data piles up in the kernel's buffers, then in the server.
export interface StalledPlayer {
  // The client's port, as the server logs it (`from 127.0.0.1:<port>`).
  port: number;
  // Reads again: answers the bytes read, and whether the server closed the connection, within `ms`.
  drain(ms: number): Promise<{ bytes: number; ended: boolean }>;
  close(): void;
}

// Reads a paused socket or WebSocket again (its data comes as `event`) for at most `ms`.
function drain(source: net.Socket | WebSocket, event: 'data' | 'message', ms: number): Promise<{ bytes: number; ended: boolean }> {
  return new Promise(resolve => {
    let bytes = 0;
    const timer = setTimeout(() => resolve({ bytes, ended: false }), ms);
    source.on(event, (chunk: Buffer) => { bytes += chunk.length; });
    source.once('close', () => {
      clearTimeout(timer);
      resolve({ bytes, ended: true });
    });
    source.resume();
  });
}

// A raw HTTP-FLV GET that never reads its answer.
export async function stalledFlv(url: string): Promise<StalledPlayer> {
  const { port, pathname, search } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.pause();
  await once(socket, 'connect');
  socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return { port: socket.localPort ?? 0, drain: ms => drain(socket, 'data', ms), close: () => socket.destroy() };
}

// A WebSocket-FLV player that pauses its socket once open.
export async function stalledWsFlv(url: string): Promise<StalledPlayer> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  await once(ws, 'open');
  ws.pause();
  const socket = (ws as unknown as { _socket: net.Socket })._socket;
  return {
    port: socket.localPort ?? 0,
    drain: ms => drain(ws, 'message', ms),
    close: () => ws.terminate(),
  };
}

// An RTMP play (`stream` is `<key>?sign=<sign>`) that never reads after asking.
export async function stalledRtmp(port: number, stream: string): Promise<StalledPlayer> {
  const client = await RawRtmp.connect(port);
  client.play(stream);
  client.socket.pause();
  return { port: client.socket.localPort ?? 0, drain: ms => drain(client.socket, 'data', ms), close: () => client.socket.destroy() };
}
