import { Socket } from 'socket.io';

// A room broadcast, framed once for the whole room.
//
// socket.io 2's adapter encodes a broadcast once (socket.io-adapter's broadcast) and hands the same encoded packets
// to each socket of the room. Below it every socket then does the rest again on its own: engine.io makes a packet
// object and joins the message type to the text, ws encodes the text to bytes, frames it in a header of its own, and
// writes both through a corked pair of writes. At 2000 viewers that is 2000 times the same bytes, about 2.7 KB of
// garbage per delivery, and most of a danmaku's cost (bench/README.md).
//
// Here the first socket of a broadcast builds the WebSocket frame (engine.io's message type '4' and socket.io's text
// in one unmasked text frame, as ws sends it), kept on the encoded packets for the others, and each socket that can
// take it as it is gets it in one write of those same bytes. A socket that cannot goes through socket.io's own path:
// a polling or upgrading connection, one whose engine.io has packets waiting (they go first), one still writing its
// last message (engine.io queues after it), one with per-message compression, one closing; any packet that is not a
// single text (binary attachments); and volatile broadcasts.

// The parts of engine.io 3 (node_modules/engine.io/lib/socket.js, transports/websocket.js) and of the ws 7 it runs
// on (node_modules/engine.io/node_modules/ws/lib/websocket.js) read here.
interface WsConnection {
  readyState: number;
  // The negotiated extensions, '' for none.
  extensions: string;
  // The TCP socket ws writes its frames to.
  _socket: { write(chunk: Buffer): boolean };
}

interface EngineConnection {
  readyState: string;
  // Packets engine.io holds until its transport can write.
  writeBuffer: unknown[];
  upgrading: boolean;
  transport: { name: string; writable: boolean; socket?: WsConnection };
}

const FRAME = Symbol('cilicl.frame');

// What socket.io-adapter passes each socket of a broadcast: its encoded packets, one array for the whole room.
type Encoded = unknown[] & { [FRAME]?: Buffer | null };

interface PacketOptions {
  preEncoded?: boolean;
  volatile?: boolean;
  compress?: boolean;
}

type PacketOf = (this: Socket, packet: unknown, opts?: PacketOptions) => void;

const OPEN = 1;
// engine.io 2/3's message packet type.
const MESSAGE = '4';

// One unmasked, final WebSocket text frame of `text` (RFC 6455, 5.2): what ws 7 writes for a server's message.
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(text, header);
  return frame;
}

// The frame of a broadcast's encoded packets, made by the first socket that asks; null when they are not one text.
function frameOf(encoded: Encoded): Buffer | null {
  let frame = encoded[FRAME];
  if (frame === undefined) {
    frame = encoded.length === 1 && typeof encoded[0] === 'string' ? textFrame(MESSAGE + encoded[0]) : null;
    encoded[FRAME] = frame;
  }
  return frame;
}

// The WebSocket a frame can be written to now, in order after everything the socket was sent before, or undefined.
function writableWebSocket(socket: Socket): WsConnection | undefined {
  const conn = socket.client.conn as unknown as EngineConnection;
  const { transport } = conn;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0) return undefined;
  if (transport.name !== 'websocket' || !transport.writable) return undefined;
  const ws = transport.socket;
  if (!ws || ws.readyState !== OPEN || ws.extensions !== '') return undefined;
  return ws;
}

// Room broadcasts handed to a socket since the process started, by the way they went (framed: written; engine: given to
// socket.io's path, which may still drop a volatile one), as cilicl_socket_broadcast_writes_total.
export const broadcastWrites = { framed: 0, engine: 0 };

// One function for every socket (set as its own packet(), so sockets share it and keep no closure). A volatile
// broadcast goes through socket.io, which drops it while the transport is still writing: a framed write leaves the
// transport writable, so a stalled client would get every one buffered.
function framedPacket(this: Socket, packet: unknown, opts?: PacketOptions): void {
  if (opts?.preEncoded && !opts.volatile && Array.isArray(packet)) {
    const frame = frameOf(packet as Encoded);
    const ws = frame && writableWebSocket(this);
    if (ws) {
      ws._socket.write(frame as Buffer);
      broadcastWrites.framed++;
      return;
    }
    broadcastWrites.engine++;
  }
  (Object.getPrototypeOf(this).packet as PacketOf).call(this, packet, opts);
}

// From now on the room broadcasts this socket gets are framed once per broadcast.
export function frameBroadcasts(socket: Socket): void {
  (socket as unknown as { packet: PacketOf }).packet = framedPacket;
}
