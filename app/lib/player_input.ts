import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { EggLogger } from 'egg';
import NodeMediaServer from 'node-media-server';
import { FlvSession } from 'node-media-server/src/session/base_session.js';
import type WebSocket from 'ws';
import { cutPlayer } from './player_cut';

// A player has nothing to send: Node-Media-Server would feed whatever an HTTP-FLV or WebSocket-FLV player sends to
// its FLV parser (which grows up to 32 MiB), and ws would gather a message of up to 100 MiB before handing it over.
// A WebSocket message may now carry 1 KiB at most (control frames need 125 bytes), and the first byte of data cuts
// the player. RTMP players are handled in media_server.ts (their packets are ignored; commands are parsed in budget).
const MAX_PAYLOAD = 1024;
const REASON = 'a player sent data';

// Connections that already carry an HTTP-FLV player: a request pipelined behind it would wait, holding its stream.
const playerSockets = new WeakSet<Socket>();

export function limitPlayerInput(nms: NodeMediaServer, logger: EggLogger): void {
  // ws reads it for each connection it accepts (WebSocketServer#completeUpgrade).
  const wsServer = nms.httpServer.wsServer as unknown as { options: { maxPayload: number } } | undefined;
  if (wsServer) wsServer.options.maxPayload = MAX_PAYLOAD;
  nms.on('prePlay', session => {
    if (session.protocol === 'flv') refuseInput(session, logger);
  });
}

function refuseInput(session: FlvSession, logger: EggLogger): void {
  const cut = () => cutPlayer(session, logger, REASON);
  // Node-Media-Server's own handler, which feeds the FLV parser.
  const { onData } = session as FlvSession & { onData: (data: Buffer) => void };
  if ('terminate' in session.res) {
    const ws = session.res as unknown as WebSocket;
    ws.off('message', onData);
    ws.on('message', cut);
    return;
  }
  const req: IncomingMessage = session.req;
  req.off('data', onData);
  req.on('data', cut);
  if (playerSockets.has(req.socket)) {
    cutPlayer(session, logger, 'a second request on a player\'s connection');
    return;
  }
  playerSockets.add(req.socket);
  // Bytes after the request: Node's HTTP server would parse them as further requests.
  req.socket.on('data', cut);
}
