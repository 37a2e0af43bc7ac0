import { IncomingMessage } from 'node:http';

// The few parts of an engine.io 3 server (node_modules/engine.io/lib/server.js) the guard touches.
export interface EngineServer {
  clients: Record<string, { transport: { name: string } }>;
  clientsCount: number;
  // Closes every client's transport, then the WebSocket server.
  close(): void;
  verify(req: IncomingMessage & { _query: Record<string, string> }, upgrade: boolean, fn: (err: number | null, ok: boolean) => void): void;
}

// engine.io's BAD_REQUEST: its upgrade handler answers it with a 400 and closes the connection.
const BAD_REQUEST = 3;

// engine.io 3 lets a WebSocket "upgrade" any session whose id it is given, even one already on WebSocket: the new
// connection replaces the old one and sends as its socket. Real clients upgrade from polling only, so an upgrade of
// a session that is not on polling is refused, and a leaked session id cannot take a WebSocket client over.
export function refuseForeignUpgrades(engine: EngineServer): void {
  const verify = engine.verify.bind(engine);
  engine.verify = (req, upgrade, fn) => {
    const sid = req._query.sid;
    const session = upgrade && sid && Object.prototype.hasOwnProperty.call(engine.clients, sid) ? engine.clients[sid] : undefined;
    if (session && session.transport.name !== 'polling') return fn(BAD_REQUEST, false);
    verify(req, upgrade, fn);
  };
}
