import { Server, Socket } from 'node:net';
import { EggLogger } from 'egg';
import NodeMediaServer from 'node-media-server';

// Neither media port limits its connections, and play signatures are public: one client could open connections
// until the agent runs out of files or memory. Both ports share one count, in all and per client address; a
// connection past either limit is closed as it arrives, before Node-Media-Server or the HTTP server sees it.

// One line per kind of refusal at most this often, with the count of the ones it did not log.
const LOG_EVERY = 10 * 1000;

interface Limits {
  maxConnections: number;
  maxConnectionsPerIp: number;
}

// The open connections of both ports, in all and per client address.
class ConnectionCount {
  private readonly limits: Limits;
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(limits: Limits) {
    this.limits = limits;
  }

  // Counts the connection in and answers null, or answers the limit it would pass and why.
  admit(socket: Socket): [ string, string ] | null {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.open.get(address) ?? 0;
    if (this.total >= this.limits.maxConnections) return [ 'MEDIA_MAX_CONNECTIONS', `${this.total} open in all` ];
    if (fromAddress >= this.limits.maxConnectionsPerIp) {
      return [ 'MEDIA_MAX_CONNECTIONS_PER_IP', `${fromAddress} open from this address` ];
    }
    this.total++;
    this.open.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.total--;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    });
    return null;
  }
}

// Called before anything else listens for connections: the listeners present now run for admitted ones only.
export function limitConnections(nms: NodeMediaServer, limits: Limits, logger: EggLogger): void {
  const count = new ConnectionCount(limits);
  const logRefusal = throttledLog(logger);
  const servers: Array<[ Server | undefined, string ]> = [
    [ nms.rtmpServer.tcpServer, 'RTMP' ],
    [ nms.httpServer.httpServer, 'HTTP-FLV' ],
  ];
  for (const [ server, port ] of servers) {
    if (!server) continue;
    const handlers = server.listeners('connection') as Array<(socket: Socket) => void>;
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => {
      const refused = count.admit(socket);
      if (refused === null) {
        for (const handler of handlers) handler.call(server, socket);
        return;
      }
      socket.destroy();
      const [ limit, why ] = refused;
      logRefusal(limit, `${port} connection from ${socket.remoteAddress} refused: ${why} (${limit})`);
    });
  }
}

// Logs the first refusal of a kind, then counts the others until LOG_EVERY has passed: a flood writes a few lines.
function throttledLog(logger: EggLogger) {
  const unlogged = new Map<string, number>();
  return (limit: string, line: string) => {
    const count = unlogged.get(limit);
    if (count !== undefined) {
      unlogged.set(limit, count + 1);
      return;
    }
    logger.warn('[media] %s', line);
    unlogged.set(limit, 0);
    setTimeout(() => {
      const more = unlogged.get(limit);
      unlogged.delete(limit);
      if (more) logger.warn('[media] %d more connection(s) refused in %d s (%s)', more, LOG_EVERY / 1000, limit);
    }, LOG_EVERY).unref();
  };
}
