// Node-Media-Server 4 ships JavaScript with JSDoc only: the parts app/lib uses, as its source has them.
declare module 'node-media-server/src/session/base_session.js' {
  import { IncomingMessage, ServerResponse } from 'node:http';
  import { Socket } from 'node:net';

  export interface AVPacket {
    codec_type: number;
    size: number;
    data: Buffer;
  }

  // The stream a session publishes or plays (server/broadcast_server.js).
  export interface Broadcast {
    publisher: BaseSession | null;
    subscribers: Map<string, BaseSession>;
    broadcastMessage(packet: AVPacket): void;
  }

  interface Session {
    id: string;
    broadcast: Broadcast;
    ip: string;
    isPublisher: boolean;
    streamPath: string;
    streamQuery: Record<string, unknown>;
    // Bytes handed to the connection so far, sent or still queued; bytes received from it.
    outBytes: number;
    inBytes: number;
    // When the session started (ms since the epoch).
    createTime: number;
    onPacket(packet: AVPacket): void;
  }

  export interface RtmpSession extends Session {
    protocol: 'rtmp';
    socket: Socket;
    rtmp: import('node-media-server/src/protocol/rtmp.js').RtmpParser;
  }

  // A ws WebSocket, as far as it is used here.
  export interface FlvWebSocket {
    // The subprotocol the client offered first, '' for none.
    protocol: string;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }

  // HTTP-FLV (an Express request and response) or WebSocket-FLV.
  export interface FlvSession extends Session {
    protocol: 'flv';
    req: IncomingMessage;
    res: ServerResponse | FlvWebSocket;
  }

  export type BaseSession = RtmpSession | FlvSession;
}

declare module 'node-media-server/src/core/context.js' {
  import { EventEmitter } from 'node:events';
  import { BaseSession, Broadcast } from 'node-media-server/src/session/base_session.js';

  const Context: {
    sessions: Map<string, BaseSession>;
    broadcasts: Map<string, Broadcast>;
    eventEmitter: EventEmitter;
  };
  export = Context;
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { log(message: string, level?: string): void };
  export = logger;
}

declare module 'node-media-server' {
  import { Server as HttpServer } from 'node:http';
  import { Server as NetServer } from 'node:net';
  import { BaseSession } from 'node-media-server/src/session/base_session.js';

  class NodeMediaServer {
    constructor(config: object);
    httpServer: { httpServer?: HttpServer; wsServer?: import('node:events').EventEmitter; run(): void };
    rtmpServer: { tcpServer?: NetServer; run(): void };
    on(event: 'prePublish' | 'postPublish' | 'donePublish' | 'prePlay' | 'postPlay' | 'donePlay', listener: (session: BaseSession) => void): void;
    stop(): Promise<void>;
  }
  export = NodeMediaServer;
}

declare module 'node-media-server/src/protocol/rtmp.js' {
  import { AVPacket } from 'node-media-server/src/session/base_session.js';

  // One RTMP connection's protocol parser; it calls the callbacks as commands and packets arrive.
  export interface RtmpParser {
    parserPacket: { header: { length: number; type: number }; capacity: number; payload: Buffer; clock: number };
    packetAlloc(): void;
    packetHandler(): void;
    parserData(buffer: Buffer): string | null;
    onConnectCallback(request: { app: string; name: string }): void;
    onPlayCallback(): void;
    onPushCallback(): void;
    onPacketCallback(packet: AVPacket): void;
  }

  const Rtmp: { new(): RtmpParser; prototype: RtmpParser };
  export default Rtmp;
}
