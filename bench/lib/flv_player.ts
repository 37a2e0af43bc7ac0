import { connect, Socket } from 'node:net';

// HTTP-FLV players that only count bytes: no FLV parsing, no HTTP parsing past the status line. Many of them run in
// the load generator at once, so each costs as little as it can: a raw TCP connection sending the GET itself, read
// into one shared buffer (Node's `onread`: no Buffer per read), counted, dropped. The count includes the response
// head and the chunked framing (a few bytes per FLV tag): a reference player counts the same way.

export interface FlvPlayer {
  // Bytes received so far.
  bytes: number;
  // The HTTP status, once the status line came (0 before).
  status: number;
  // Why the player stopped: the server closed it, an error, a refusal; null while it plays.
  ended: string | null;
  // Resolves once the first bytes came (status 200) and rejects when the player ended or timed out before.
  started: Promise<void>;
  close(): void;
}

// One read buffer for every player: each callback runs to completion before the next read fills it.
const SHARED = Buffer.alloc(64 * 1024);

export function playFlv(url: string, startTimeoutMs = 10000): FlvPlayer {
  const { hostname, port, pathname, search } = new URL(url);
  let started: { resolve(): void; reject(err: Error): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let socket: Socket | undefined;
  const player: FlvPlayer = {
    bytes: 0,
    status: 0,
    ended: null,
    started: new Promise<void>((resolve, reject) => { started = { resolve, reject }; }),
    close() {
      if (player.ended === null) player.ended = 'closed by the player';
      socket?.destroy();
      clearTimeout(timer);
      started?.reject(new Error(`bench: player of ${url}: ${player.ended}`));
      started = undefined;
    },
  };
  player.started.catch(() => undefined);
  const stop = (why: string) => {
    if (player.ended === null) player.ended = why;
    player.close();
  };
  timer = setTimeout(() => stop(`no stream within ${startTimeoutMs} ms`), startTimeoutMs);
  socket = connect({
    host: hostname,
    port: Number(port),
    onread: {
      buffer: SHARED,
      callback: (nread: number, buffer: Uint8Array) => {
        if (player.status === 0) {
          // The status line comes whole in the first read on loopback; anything else is a refusal.
          const line = Buffer.from(buffer.buffer, buffer.byteOffset, Math.min(nread, 64)).toString('latin1').split('\r\n')[0];
          player.status = line.startsWith('HTTP/1.1 200') ? 200 : -1;
          if (player.status !== 200) {
            stop(`answered ${line}`);
            return false;
          }
          clearTimeout(timer);
          started?.resolve();
          started = undefined;
        }
        player.bytes += nread;
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.on('connect', () => {
    socket?.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUser-Agent: cilicl-live-bench\r\n\r\n`);
  });
  socket.on('error', err => stop(`error: ${err.message}`));
  socket.on('close', () => stop('closed by the server'));
  return player;
}

// Up to `count` players of `url`, started `concurrency` at a time (each waits for its first bytes or its failure);
// none is started after `deadlineMs`. Answers those started, playing or ended.
export async function playMany(url: string, count: number, concurrency = 100, deadlineMs = 60000,
  startTimeoutMs = 10000): Promise<FlvPlayer[]> {
  const players: FlvPlayer[] = [];
  const deadline = Date.now() + deadlineMs;
  const lane = async () => {
    while (players.length < count && Date.now() < deadline) {
      const player = playFlv(url, startTimeoutMs);
      players.push(player);
      await player.started.catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return players;
}
