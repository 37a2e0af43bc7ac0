import { Server } from 'node:net';
import { EggAppConfig, EggLogger } from 'egg';
import NodeMediaServer from 'node-media-server';
import Context from 'node-media-server/src/core/context.js';
import { AVPacket, BaseSession, RtmpSession } from 'node-media-server/src/session/base_session.js';
import { checkStreamSign, roomKeyOf, streamPath, StreamAction } from '../common/media_sign';
import { Live, LiveStatus } from '../model/live';
import { onlyRoomStreams } from './flv_guard';
import { routeMediaLogs } from './media_log';
import { allowPublishing, containRtmpErrors, cutUndecided, holdToOneStream, limitRtmpParser } from './rtmp_limits';
import { limitConnections } from './connection_limits';
import { limitPlayerInput } from './player_input';
import { PlayerLagWatch } from './player_lag';
import { MediaStats } from './media_stats';
import { MediaStreams } from '../common/ops_messages';

type MediaConfig = EggAppConfig['media'];

const ignore = () => undefined;
// Longer than Node-Media-Server's publish grace (30 s), after which it has dropped an ended stream's cache.
const ENDED_MEMORY = 60 * 1000;
// TCP keep-alive probes for players: a viewer whose network died is found even while the room sends nothing.
const PLAYER_KEEPALIVE = 60 * 1000;
// Milliseconds one room lookup serves the players that arrive after it.
const PLAYER_LOOKUP_TTL = 1000;
// What a publisher may send while its room is looked up; more means the database is too slow to wait for.
const HOLD_LIMIT = 8 * 1024 * 1024;

// Resolves once the server listens; rejects with the reason it cannot.
function listening(server: Server, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(new Error(`[cilicl-live] the media server cannot listen for ${what}: ${err.message}`));
    server.once('error', fail);
    server.once('listening', () => {
      server.off('error', fail);
      resolve();
    });
  });
}

// A copy that outlives the RTMP parser, which reuses each chunk stream's payload buffer for the next message.
function copyOf(packet: AVPacket): AVPacket {
  return Object.assign(Object.create(Object.getPrototypeOf(packet)), packet, { data: Buffer.from(packet.data) });
}

// Node-Media-Server 4 for the rooms, run once per host by the agent. Its prePublish / prePlay come before its own
// checks and cannot wait for the database: signatures are checked at once, the room later, with the packets held.
export class MediaServer {
  private nms?: NodeMediaServer;
  // The accepted publisher of each room key, while connected: a second one is refused.
  private readonly publishers = new Map<string, RtmpSession>();
  // Rooms ended lately (key -> timer): Node-Media-Server keeps an ended stream's last GOP 30 s for any player.
  private readonly ended = new Map<string, NodeJS.Timeout>();
  // The room lookup shared by the players of a key (playerLookUp).
  private readonly playerLookUps = new Map<string, ReturnType<MediaServer['lookUp']>>();
  // Each room's status updates, one after another, so a stop cannot overtake the start before it.
  private readonly statusUpdates = new Map<string, Promise<unknown>>();
  // Cuts players that fall too far behind (app/lib/player_lag.ts).
  private lagWatch?: PlayerLagWatch;
  // Players and bytes sent to them, for /metrics.
  private readonly stats = new MediaStats();

  private readonly config: MediaConfig;
  private readonly logger: EggLogger;
  // Told when a stream's start or stop changed its room's status.
  private readonly statusChanged: (roomId: number) => void;

  constructor(config: MediaConfig, logger: EggLogger, statusChanged: (roomId: number) => void = ignore) {
    this.config = config;
    this.logger = logger;
    this.statusChanged = statusChanged;
  }

  async start(): Promise<void> {
    const { bind, rtmpPort, flvPort, publishSecret } = this.config;
    routeMediaLogs(this.logger, this.config.logLevel);
    limitRtmpParser();
    const nms = new NodeMediaServer({
      bind,
      rtmp: { port: rtmpPort },
      http: { port: flvPort },
      // Nothing but streams on these ports: no web admin, no REST API (it needs auth.jwt), no recording, no store.
      webadmin: { enable: false },
      auth: { publish: true, play: false, secret: publishSecret },
    });
    this.nms = nms;
    this.stats.attach(nms);
    nms.on('prePublish', session => this.onPublish(session));
    nms.on('prePlay', session => this.onPlay(session));

    // Only the two listeners: NodeMediaServer.run() would also open a JSON store under ./data.
    nms.rtmpServer.run();
    nms.httpServer.run();
    // Players' limits: connections per address and in all, nothing sent by a player, lag (one file each).
    limitConnections(nms, this.config, this.logger);
    limitPlayerInput(nms, this.logger);
    this.lagWatch = new PlayerLagWatch(this.config.playerMaxLag, this.logger);
    this.lagWatch.start();
    const listeners: Array<[ Server | undefined, string ]> = [
      [ nms.rtmpServer.tcpServer, `RTMP on ${bind}:${rtmpPort} (RTMP_PORT)` ],
      [ nms.httpServer.httpServer, `HTTP-FLV on ${bind}:${flvPort} (FLV_PORT)` ],
    ];
    // Node-Media-Server's own listen-error handlers exit the process; Egg should report the failure instead.
    for (const [ server ] of listeners) server?.removeAllListeners('error');
    nms.httpServer.wsServer?.on('error', err => this.logger.error(err));
    await Promise.all(listeners.map(([ server, what ]) => (server ? listening(server, what) : undefined)));
    for (const [ server ] of listeners) server?.on('error', err => this.logger.error(err));
    const { tcpServer } = nms.rtmpServer;
    if (tcpServer) {
      cutUndecided(tcpServer);
      containRtmpErrors(tcpServer, (socket, err) => this.logger.warn('[media] RTMP from %s:%d: malformed message, disconnected: %s',
        socket.remoteAddress, socket.remotePort, err.message));
    }
    onlyRoomStreams(nms.httpServer.httpServer, nms.httpServer.wsServer);
    this.logger.info('[media] listening: RTMP %s:%d, HTTP-FLV and WebSocket-FLV %s:%d', bind, rtmpPort, bind, flvPort);
  }

  // For /metrics: the accepted publishers still connected (Node-Media-Server keeps a gone one's broadcast 30 s),
  // the players and the bytes sent to them.
  metrics(): { publishers: number; players: number; playerBytes: number } {
    return { publishers: this.publishers.size, ...this.stats.read() };
  }

  // What the console's dashboard shows: each accepted publisher's stream, and the players in all.
  streams(): MediaStreams {
    const now = Date.now();
    const streams = [ ...this.publishers ].map(([ key, session ]) => {
      const uptime = Math.max(0, Math.round((now - session.createTime) / 1000));
      return {
        key,
        publisher: session.ip,
        uptime,
        bitrate: uptime ? Math.round(session.inBytes * 8 / uptime / 1000) : 0,
        players: session.broadcast?.subscribers.size ?? 0,
      };
    });
    const { publishers, players } = this.metrics();
    return { enabled: true, publishers, players, streams };
  }

  // Both listeners accept connections (/readyz).
  listening(): boolean {
    return Boolean(this.nms?.rtmpServer.tcpServer?.listening && this.nms.httpServer.httpServer?.listening);
  }

  async stop(): Promise<void> {
    if (!this.nms) return;
    await this.nms.stop();
    this.lagWatch?.stop();
    // Players still attached over HTTP or WebSocket keep their connections until they are cut.
    for (const session of Context.sessions.values()) this.disconnect(session);
    this.nms.httpServer.httpServer?.closeAllConnections();
    for (const timer of this.ended.values()) clearTimeout(timer);
    this.ended.clear();
    this.nms = undefined;
    this.logger.info('[media] stopped');
  }

  // The room has ended (changestatus stop): its publisher and its viewers are disconnected now.
  cutRoom(key: string, roomId: number): void {
    this.markEnded(key);
    const publisher = this.publishers.get(key);
    if (publisher) this.disconnect(publisher);
    const viewers = [ ...Context.broadcasts.get(streamPath(key))?.subscribers.values() ?? [] ];
    for (const viewer of viewers) this.disconnect(viewer);
    this.logger.info('[media] room=%s key=%s ended: publisher %s, %d viewer(s) disconnected',
      roomId, key, publisher ? publisher.id : 'none', viewers.length);
  }

  // Marked when a room ends, and again whenever the database says a publisher or player asked for an ended room.
  private markEnded(key: string): void {
    clearTimeout(this.ended.get(key));
    const timer = setTimeout(() => this.ended.delete(key), ENDED_MEMORY);
    timer.unref();
    this.ended.set(key, timer);
  }

  // Later publish / play commands on the connection are refused (the ones already under way are not affected).
  private refuseOtherStreams(session: RtmpSession): void {
    holdToOneStream(session, (action, key) => this.refuse(action, session, key, 'one stream per connection'));
  }

  private onPublish(session: BaseSession): void {
    const key = roomKeyOf(session.streamPath);
    if (session.protocol === 'rtmp') this.refuseOtherStreams(session);
    if (session.protocol !== 'rtmp' || key === null) {
      this.refuse('publish', session, key, session.protocol !== 'rtmp' ? 'publishing is over RTMP only' : 'not a room stream');
      return;
    }
    const reason = checkStreamSign(this.config, 'publish', session.streamPath, session.streamQuery.sign) ??
      (this.ended.has(key) ? 'the room has ended' : null) ??
      (this.publishers.has(key) ? 'the room already has a publisher' : null);
    if (reason !== null) {
      this.refuse('publish', session, key, reason);
      return;
    }
    this.publishers.set(key, session);
    allowPublishing(session.rtmp);
    // Silent this long, the broadcaster is gone (config.media.publisherTimeout).
    session.socket.setTimeout(this.config.publisherTimeout * 1000, () => session.socket.destroy());
    const held: AVPacket[] = [];
    let heldBytes = 0;
    session.rtmp.onPacketCallback = packet => {
      heldBytes += packet.size;
      if (heldBytes > HOLD_LIMIT) this.refuse('publish', session, key, 'the room lookup is too slow');
      else held.push(copyOf(packet));
    };
    const admitted = this.admitPublisher(session, key, held).catch(err => {
      this.logger.error(err);
      this.disconnect(session);
      return null;
    });
    session.socket.once('close', () => {
      if (this.publishers.get(key) === session) this.publishers.delete(key);
      admitted.then(room => room && this.inOrder(key, async () => {
        // A new publisher may have taken the room meanwhile; then it stays live.
        const paused = !this.publishers.has(key) && await Live.streamStopped(key);
        if (paused) this.statusChanged(room.id);
        this.decision('info', 'publish', session, key, room.id, paused ? 'stream stopped, room paused' : 'stream stopped');
      })).catch(err => this.logger.error(err));
    });
  }

  // The room behind a signed publish: open rooms get the stream (and go live), others are refused. Answers the room.
  private async admitPublisher(session: RtmpSession, key: string, held: AVPacket[]): Promise<Live | null> {
    const broadcast = session.broadcast;
    let room: Live | null;
    let reason: string | null;
    try {
      ({ room, reason } = await this.lookUp(key));
    } catch (err) {
      this.refuse('publish', session, key, `room lookup failed: ${(err as Error).message}`);
      return null;
    }
    // Still this stream's publisher, on its connection: anything else was refused or cut meanwhile.
    if (!reason && (session.socket.destroyed || session.broadcast !== broadcast || broadcast.publisher !== session)) {
      reason = 'the connection no longer publishes this stream';
    }
    if (!room || reason) {
      this.refuse('publish', session, key, reason ?? '', room?.id);
      return null;
    }
    for (const packet of held) broadcast.broadcastMessage(packet);
    session.rtmp.onPacketCallback = session.onPacket;
    const started = await this.inOrder(key, () => Live.streamStarted(key));
    if (started) this.statusChanged(room.id);
    this.decision('info', 'publish', session, key, room.id, started ? 'accepted, stream started, room live' : 'accepted, stream started');
    return room;
  }

  private inOrder<T>(key: string, update: () => Promise<T>): Promise<T> {
    const next = (this.statusUpdates.get(key) ?? Promise.resolve()).catch(ignore).then(update);
    this.statusUpdates.set(key, next);
    next.catch(ignore).finally(() => {
      if (this.statusUpdates.get(key) === next) this.statusUpdates.delete(key);
    });
    return next;
  }

  private onPlay(session: BaseSession): void {
    if (session.protocol === 'rtmp') this.refuseOtherStreams(session);
    const key = roomKeyOf(session.streamPath);
    const reason = key === null ? 'not a room stream' :
      checkStreamSign(this.config, 'play', session.streamPath, session.streamQuery.sign) ??
      (this.ended.has(key) ? 'the room has ended' : null);
    if (reason !== null || key === null) {
      this.refuse('play', session, key, reason ?? '');
      return;
    }
    (session.protocol === 'rtmp' ? session.socket : session.req.socket).setKeepAlive(true, PLAYER_KEEPALIVE);
    this.admitPlayer(session, key).catch(err => {
      this.disconnect(session);
      this.decision('warn', 'play', session, key, undefined, `refused: room lookup failed: ${(err as Error).message}`);
    });
  }

  // A signed player stays only while its room exists and has not ended.
  private async admitPlayer(session: BaseSession, key: string): Promise<void> {
    const { room, reason } = await this.playerLookUp(key);
    if (reason) {
      this.disconnect(session);
      this.decision('warn', 'play', session, key, room?.id, `refused: ${reason}`);
      return;
    }
    this.decision('info', 'play', session, key, room?.id, 'accepted');
  }

  // The room of a key, and why it takes no stream: missing, or ended (then marked), or null when it is open.
  private async lookUp(key: string): Promise<{ room: Live | null; reason: string | null }> {
    const room = await this.roomOf(key);
    if (!room) return { room, reason: 'the room does not exist' };
    if (room.status !== LiveStatus.Ended) return { room, reason: null };
    this.markEnded(key);
    return { room, reason: 'the room has ended' };
  }

  // A crowd joining a stream costs one query, not one each (bench/README.md, media-fanout); cutRoom marks an end at once.
  private playerLookUp(key: string): ReturnType<MediaServer['lookUp']> {
    const shared = this.playerLookUps.get(key);
    if (shared) return shared;
    const answer = this.lookUp(key);
    this.playerLookUps.set(key, answer);
    // Forgotten when it expires, or at once when it failed.
    const forget = () => {
      if (this.playerLookUps.get(key) === answer) this.playerLookUps.delete(key);
    };
    setTimeout(forget, PLAYER_LOOKUP_TTL).unref();
    answer.catch(forget);
    return answer;
  }

  private roomOf(key: string): Promise<Live | null> {
    return Live.findOne({ where: { key }, attributes: [ 'id', 'status' ] });
  }

  // Disconnects at once and logs why, with the room id when the key names a room.
  private refuse(action: StreamAction, session: BaseSession, key: string | null, reason: string, roomId?: number): void {
    // Node-Media-Server's own publish check runs next and refuses a session without a signature.
    session.streamQuery = {};
    if (session.protocol === 'flv' && !('terminate' in session.res) && !session.res.headersSent) {
      // An HTTP-FLV player gets an answer it can show; Connection: close ends the session with the response.
      session.res.writeHead(403, { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' });
      session.res.end(`Forbidden: ${reason}\n`);
    } else {
      this.disconnect(session);
    }
    if (roomId !== undefined || key === null) {
      this.decision('warn', action, session, key, roomId, `refused: ${reason}`);
      return;
    }
    this.roomOf(key)
      .then(room => this.decision('warn', action, session, key, room?.id, `refused: ${reason}`))
      .catch(() => this.decision('warn', action, session, key, undefined, `refused: ${reason}`));
  }

  private disconnect(session: BaseSession): void {
    if (session.protocol === 'rtmp') {
      session.rtmp.onPacketCallback = ignore;
      session.socket.destroy();
    } else if ('terminate' in session.res) {
      session.res.terminate();
    } else {
      session.req.socket.destroy();
    }
  }

  private decision(level: 'info' | 'warn', action: StreamAction, session: BaseSession, key: string | null,
    roomId: number | undefined, outcome: string): void {
    this.logger[level]('[media] %s room=%s key=%s session=%s from %s: %s',
      action, roomId ?? '-', key ?? '-', session.id, session.ip, outcome);
  }
}
