import { Server, Socket } from 'node:net';
import Rtmp, { RtmpParser } from 'node-media-server/src/protocol/rtmp.js';
import { RtmpSession } from 'node-media-server/src/session/base_session.js';
import { roomKeyOf, StreamAction } from '../common/media_sign';

// Node-Media-Server's parser reserves what a message header claims (up to 16 MB a chunk stream) before a byte of it
// arrives: each connection has a budget for that, small for commands, larger once it is an accepted publisher.
const COMMAND_BUFFERS = 1024 * 1024;
const PUBLISHER_BUFFERS = 64 * 1024 * 1024;
// An RTMP connection must ask to publish or play within this time, whatever it sends meanwhile.
const DECISION_DEADLINE = 10 * 1000;

// RTMP control messages (chunk size, abort, acknowledgements, bandwidth): each carries one 4-byte number.
const CONTROL_TYPES = [ 1, 2, 3, 5, 6 ];
const SET_CHUNK_SIZE = 1;
// Audio, video, AMF3 and AMF0 data: the stream itself.
const MEDIA_TYPES = [ 8, 9, 15, 18 ];

interface Budget {
  budget?: number;
  reserved?: number;
  overBudget?: boolean;
  publishing?: boolean;
}

let installed = false;

// Node-Media-Server's RTMP parser, for every connection: the buffer budget, the message checks, errors thrown.
export function limitRtmpParser(): void {
  if (installed) return;
  installed = true;
  const { packetAlloc, parserData, packetHandler } = Rtmp.prototype;
  Rtmp.prototype.packetAlloc = function(this: RtmpParser & Budget) {
    const packet = this.parserPacket;
    if (packet.capacity >= packet.header.length) return;
    const growth = packet.header.length + 1024 - packet.capacity;
    if ((this.reserved ?? 0) + growth > (this.budget ?? COMMAND_BUFFERS)) {
      // Read as an empty message of no known type, which nothing handles; parserData then throws.
      this.overBudget = true;
      packet.header.length = 0;
      packet.header.type = 0;
      return;
    }
    this.reserved = (this.reserved ?? 0) + growth;
    packetAlloc.call(this);
  };
  // Thrown, as the parser's own errors are: containRtmpErrors then ends the connection.
  Rtmp.prototype.parserData = function(this: RtmpParser & Budget, buffer: Buffer) {
    const err = this.overBudget ? null : parserData.call(this, buffer);
    if (err || this.overBudget) throw new Error(err ?? 'message buffers over budget');
    return null;
  };
  Rtmp.prototype.packetHandler = function(this: RtmpParser & Budget) {
    const { type, length } = this.parserPacket.header;
    // Shorter, Node-Media-Server would read a number out of range or the chunk stream's last message; 0 stalls it.
    if (CONTROL_TYPES.includes(type) &&
      (length < 4 || (type === SET_CHUNK_SIZE && this.parserPacket.payload.readUInt32BE() === 0))) {
      throw new Error(`malformed control message (type ${type}, ${length} bytes)`);
    }
    // Media messages of a connection that is no accepted publisher go nowhere (Node-Media-Server would broadcast them).
    if (this.publishing || !MEDIA_TYPES.includes(type)) packetHandler.call(this);
  };
}

// An accepted publisher's connection: room for video frames, and its media messages read.
export function allowPublishing(rtmp: RtmpParser): void {
  Object.assign(rtmp, { budget: PUBLISHER_BUFFERS, publishing: true });
}

// A connection whose messages break the parser is destroyed; Node-Media-Server's socket handler would let it throw.
export function containRtmpErrors(tcpServer: Server, broken: (socket: Socket, err: Error) => void): void {
  tcpServer.on('connection', (socket: Socket) => {
    const [ onData ] = socket.listeners('data') as Array<(chunk: Buffer) => void>;
    if (!onData) return;
    socket.removeListener('data', onData);
    socket.on('data', (chunk: Buffer) => {
      try {
        onData(chunk);
      } catch (err) {
        broken(socket, err as Error);
        socket.destroy();
      }
    });
  });
}

// RTMP connections that have not asked for a stream yet, with the timer that cuts them.
const undecided = new WeakMap<Socket, NodeJS.Timeout>();

export function cutUndecided(tcpServer: Server, deadline = DECISION_DEADLINE): void {
  tcpServer.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), deadline);
    undecided.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
}

// The first publish or play decides the connection's stream; a later one would move it, so it is refused instead.
export function holdToOneStream(session: RtmpSession, refuse: (action: StreamAction, key: string | null) => void): void {
  clearTimeout(undecided.get(session.socket));
  const { rtmp } = session;
  let asked: string | null = null;
  rtmp.onConnectCallback = request => { asked = roomKeyOf(`/${request.app}/${request.name}`); };
  rtmp.onPushCallback = () => refuse('publish', asked);
  rtmp.onPlayCallback = () => refuse('play', asked);
}
