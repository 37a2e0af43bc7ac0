import { connect, Socket } from 'node:net';
import WebSocket from 'ws';

// FLV players that count bytes and, asked to, keep them. The HTTP one is a raw TCP connection sending the GET itself,
// read into one shared buffer (Node's `onread`: no Buffer per read): the load generator runs thousands of them.
export interface FlvPlayer {
  // Bytes received so far, the HTTP response head and chunked framing included.
  bytes: number;
  // The HTTP status (101 once a WebSocket is open), 0 before it came.
  status: number;
  // Why the player stopped (the server closed it, an error, a refusal, CLOSED); null while it plays.
  ended: string | null;
  // Resolves once the first bytes of a stream came, rejects when the player ended or timed out before.
  started: Promise<void>;
  // Resolves once the player ended, for whatever reason.
  closed: Promise<void>;
  // The FLV bytes received so far (without the HTTP head and framing), with `keep`.
  data(): Buffer;
  close(): void;
}

export interface PlayOptions {
  // Ends the player when no stream started within this time.
  startTimeoutMs?: number;
  // Keeps what came, for data().
  keep?: boolean;
  // Closes the player once this many bytes came.
  enough?: number;
}

export const CLOSED = 'closed by the player';

// One read buffer for every HTTP player: each callback runs to completion before the next read fills it.
const SHARED = Buffer.alloc(64 * 1024);

// The player both transports share; the transport reports what it read and asks it to stop.
function player(url: string, { startTimeoutMs = 10000, keep = false, enough = Infinity }: PlayOptions, decode: (raw: Buffer) => Buffer) {
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let started: { resolve(): void; reject(err: Error): void } | undefined;
  let closed = () => undefined as void;
  let disconnect = () => undefined as void;
  const state: FlvPlayer = {
    bytes: 0,
    status: 0,
    ended: null,
    started: new Promise<void>((resolve, reject) => { started = { resolve, reject }; }),
    closed: new Promise<void>(resolve => { closed = resolve; }),
    data: () => decode(Buffer.concat(chunks)),
    close() {
      if (state.ended === null) state.ended = CLOSED;
      disconnect();
      clearTimeout(timer);
      started?.reject(new Error(`player of ${url}: ${state.ended}`));
      started = undefined;
      closed();
    },
  };
  state.started.catch(() => undefined);
  const stop = (why: string) => {
    if (state.ended === null) state.ended = why;
    state.close();
  };
  timer = setTimeout(() => stop(`no stream within ${startTimeoutMs} ms`), startTimeoutMs);
  return {
    state,
    stop,
    onDisconnect(fn: () => void) { disconnect = fn; },
    // A read of `length` bytes (`bytes` is only valid during the call).
    received(bytes: Uint8Array, length: number) {
      if (started) {
        clearTimeout(timer);
        started.resolve();
        started = undefined;
      }
      state.bytes += length;
      if (keep) chunks.push(Buffer.from(bytes.subarray(0, length)));
      if (state.bytes >= enough) state.close();
    },
  };
}

// The body of a raw HTTP response: after its head, de-chunked where it is chunked.
function httpBody(raw: Buffer): Buffer {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return Buffer.alloc(0);
  const body = raw.subarray(headEnd + 4);
  if (!/^transfer-encoding:\s*chunked/im.test(raw.toString('latin1', 0, headEnd))) return body;
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = lineEnd < 0 ? 0 : parseInt(body.toString('latin1', offset, lineEnd), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

// Plays an HTTP-FLV URL; a status other than 200 ends it.
export function playFlv(url: string, options: PlayOptions = {}): FlvPlayer {
  const { hostname, port, pathname, search } = new URL(url);
  const play = player(url, options, httpBody);
  const socket: Socket = connect({
    host: hostname,
    port: Number(port),
    onread: {
      buffer: SHARED,
      callback: (nread: number, buffer: Uint8Array) => {
        if (play.state.status === 0) {
          // The status line comes whole in the first read on loopback.
          const line = Buffer.from(buffer.buffer, buffer.byteOffset, Math.min(nread, 64)).toString('latin1').split('\r\n')[0];
          play.state.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(line)?.[1] ?? -1);
          if (play.state.status !== 200) {
            play.stop(`answered ${line}`);
            return false;
          }
        }
        play.received(buffer, nread);
        return true;
      },
    },
  });
  play.onDisconnect(() => socket.destroy());
  socket.setNoDelay(true);
  socket.on('connect', () => {
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUser-Agent: cilicl-live-test\r\n\r\n`);
  });
  socket.on('error', err => play.stop(`error: ${err.message}`));
  socket.on('close', () => play.stop('closed by the server'));
  return play.state;
}

// Plays a WebSocket-FLV URL: binary messages carry the FLV byte stream.
export function playWsFlv(url: string, options: PlayOptions = {}): FlvPlayer {
  const play = player(url, options, raw => raw);
  const ws = new WebSocket(url);
  play.onDisconnect(() => ws.terminate());
  ws.on('open', () => { play.state.status = 101; });
  ws.on('message', (data: Buffer) => play.received(data, data.length));
  ws.on('error', err => play.stop(`error: ${err.message}`));
  ws.on('close', () => play.stop('closed by the server'));
  return play.state;
}

// Up to `count` players of `url`, started `concurrency` at a time (each waits for its first bytes or its failure);
// none is started after `deadlineMs`. Answers those started, playing or ended.
export async function playMany(url: string, count: number, concurrency = 100, deadlineMs = 60000,
  startTimeoutMs = 10000): Promise<FlvPlayer[]> {
  const players: FlvPlayer[] = [];
  const deadline = Date.now() + deadlineMs;
  const lane = async () => {
    while (players.length < count && Date.now() < deadline) {
      const player = playFlv(url, { startTimeoutMs });
      players.push(player);
      await player.started.catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return players;
}
