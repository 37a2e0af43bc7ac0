import { EventEmitter } from 'node:events';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { FlvWebSocket } from 'node-media-server/src/session/base_session.js';
import { roomKeyOf } from '../common/media_sign';

// Whether a request asks for a room's stream, `/live/<key>.flv`.
export function isRoomStream(url = '/'): boolean {
  let pathname: string;
  try {
    ({ pathname } = new URL(url, 'http://flv'));
  } catch {
    // `//`, `\\` and the like: no URL, so no stream (a throw here would leave the request unanswered).
    return false;
  }
  return pathname.endsWith('.flv') && roomKeyOf(pathname.slice(0, -'.flv'.length)) !== null;
}

// The HTTP-FLV port answers room streams only, before Node-Media-Server sees a request (it throws on some other paths),
// and takes no WebSocket with a subprotocol: Node-Media-Server would keep a stream entry for each refused "publisher".
export function onlyRoomStreams(httpServer?: Server, wsServer?: EventEmitter): void {
  const [ express ] = httpServer?.listeners('request') ?? [];
  if (httpServer && express) {
    httpServer.removeAllListeners('request');
    httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
      // A room's stream, and the CORS preflight a web player may send for it.
      if ([ 'GET', 'HEAD', 'OPTIONS' ].includes(req.method ?? '') && isRoomStream(req.url)) {
        express.call(httpServer, req, res);
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not Found\n');
    });
  }
  const [ connection ] = wsServer?.listeners('connection') ?? [];
  if (wsServer && connection) {
    wsServer.removeAllListeners('connection');
    wsServer.on('connection', (ws: FlvWebSocket, req: IncomingMessage) => {
      if (ws.protocol) ws.close(1008, 'publishing is over RTMP only');
      else if (isRoomStream(req.url)) connection.call(wsServer, ws, req);
      else ws.close(1008, 'not a room stream');
    });
  }
}
