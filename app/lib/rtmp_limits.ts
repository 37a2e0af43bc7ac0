import Rtmp, { RtmpParser } from 'node-media-server/src/protocol/rtmp.js';

// Node-Media-Server's RTMP parser reserves, for each chunk stream, a buffer as large as a message header claims
// (up to 16 MB) before a byte of the message arrives: a few unauthenticated bytes could make the agent reserve
// gigabytes. Here every connection gets a budget for those buffers; past it the parser answers an error and
// Node-Media-Server ends the connection. Commands need little, so the budget starts small; an accepted publisher's
// connection gets room for video frames.
const COMMAND_BUFFERS = 1024 * 1024;
const PUBLISHER_BUFFERS = 64 * 1024 * 1024;

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
      // Read the message as an empty one of no known type, which nothing handles: the connection is over (parserData
      // says so below).
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
