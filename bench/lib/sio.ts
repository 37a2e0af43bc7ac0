import WebSocket from 'ws';

type Handler = (data: any) => void;

// A socket.io 2.x client (Engine.IO protocol 3) over one WebSocket, and nothing else: no polling, no reconnection,
// no per-packet timers. Thousands of them fit in one load-generator process, where socket.io-client's own
// machinery would cost more than the server under test. Course clients speak exactly this on the wire.
export class SioClient {
  private readonly ws: WebSocket;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly acks = new Map<number, { resolve: Handler; reject:(err: Error) => void; timer: NodeJS.Timeout }>();
  private nextAck = 0;
  private pinger?: NodeJS.Timeout;
  closed = false;
  id = '';

  private constructor(ws: WebSocket) {
    this.ws = ws;
  }

  // Resolves once the server has sent the namespace CONNECT packet.
  static connect(base: string, options: { query?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {}): Promise<SioClient> {
    const query = new URLSearchParams({ ...options.query, EIO: '3', transport: 'websocket' });
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?${query}`, {
      localAddress: options.localAddress,
      perMessageDeflate: false,
    });
    const client = new SioClient(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('socket.io connect timed out'));
      }, options.timeoutMs ?? 30000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      ws.once('error', fail);
      ws.on('close', () => {
        client.closed = true;
        clearInterval(client.pinger);
        client.failPending();
        fail(new Error('socket.io connection closed before CONNECT'));
      });
      ws.on('message', (raw: Buffer) => {
        const text = raw.toString();
        if (text === '40') {
          clearTimeout(timer);
          ws.off('error', fail);
          ws.on('error', () => undefined);
          resolve(client);
          return;
        }
        client.receive(text);
      });
    });
  }

  on(event: string, handler: Handler): this {
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
    return this;
  }

  emit(event: string, data: unknown): void {
    if (this.closed) return;
    this.ws.send(`42${JSON.stringify([ event, data ])}`);
  }

  // An event with an acknowledgement callback; resolves with the server's reply, rejects when the socket closes first
  // or no reply comes within timeoutMs.
  request(event: string, data: unknown, timeoutMs = 30000): Promise<any> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('socket closed'));
        return;
      }
      const id = this.nextAck++;
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`no acknowledgement of ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, { resolve, reject, timer });
      this.ws.send(`42${id}${JSON.stringify([ event, data ])}`);
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pinger);
    this.failPending();
    this.ws.terminate();
  }

  private failPending(): void {
    for (const { reject, timer } of this.acks.values()) {
      clearTimeout(timer);
      reject(new Error('socket closed before its acknowledgement'));
    }
    this.acks.clear();
  }

  private receive(text: string): void {
    const type = text[0];
    if (type === '0') {
      // The handshake: the client pings (Engine.IO 3), or the server drops it after pingInterval + pingTimeout.
      const { sid, pingInterval } = JSON.parse(text.slice(1));
      this.id = sid;
      this.pinger = setInterval(() => this.ws.readyState === WebSocket.OPEN && this.ws.send('2'), pingInterval);
      this.pinger.unref();
      return;
    }
    if (type !== '4') return;
    const packet = text[1];
    if (packet === '2') {
      const [ event, data ] = JSON.parse(text.slice(2));
      for (const handler of this.handlers.get(event) ?? []) handler(data);
    } else if (packet === '3') {
      const bracket = text.indexOf('[');
      const id = Number(text.slice(2, bracket));
      const pending = this.acks.get(id);
      if (!pending) return;
      this.acks.delete(id);
      clearTimeout(pending.timer);
      pending.resolve(JSON.parse(text.slice(bracket))[0]);
    }
  }
}

// Connects `count` clients, at most `concurrency` handshakes at a time, alternating the source address between
// 127.0.0.1 and 127.0.0.2 so that egg's sticky master (which hashes the client's address) spreads them over two workers.
// One that fails closes those already connected.
export async function connectMany(base: string, queries: Array<Record<string, string>>, concurrency = 100): Promise<SioClient[]> {
  const clients: SioClient[] = new Array(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      clients[i] = await SioClient.connect(base, { query: queries[i], localAddress: `127.0.0.${1 + (i % 2)}` });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, queries.length) }, worker));
  } catch (err) {
    next = queries.length;
    for (const client of clients) client?.close();
    throw err;
  }
  return clients;
}
