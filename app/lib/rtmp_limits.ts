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

interface Budget {
  budget?: number;
  reserved?: number;
  overBudget?: boolean;
}

let installed = false;

export function limitRtmpBuffers(): void {
  if (installed) return;
  installed = true;
  const { packetAlloc, parserData } = Rtmp.prototype;
  Rtmp.prototype.packetAlloc = function(this: RtmpParser & Budget) {
    const packet = this.parserPacket;
    if (packet.capacity >= packet.header.length) return;
    const growth = packet.header.length + 1024 - packet.capacity;
    if ((this.reserved ?? 0) + growth > (this.budget ?? COMMAND_BUFFERS)) {
      // Read as an empty message of no known type, which nothing handles; parserData then ends the connection.
      this.overBudget = true;
      packet.header.length = 0;
      packet.header.type = 0;
      return;
    }
    this.reserved = (this.reserved ?? 0) + growth;
    packetAlloc.call(this);
  };
  Rtmp.prototype.parserData = function(this: RtmpParser & Budget, buffer: Buffer) {
    if (this.overBudget) return 'message buffers over budget';
    const err = parserData.call(this, buffer);
    return err ?? (this.overBudget ? 'message buffers over budget' : null);
  };
}

export function allowPublisherBuffers(rtmp: RtmpParser): void {
  (rtmp as RtmpParser & Budget).budget = PUBLISHER_BUFFERS;
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
