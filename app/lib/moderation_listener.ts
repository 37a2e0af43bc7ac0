import { Application } from 'egg';
import { Redis } from 'ioredis';
import { Socket } from 'socket.io';
import { MODERATION_MESSAGES, ModerationNotice } from '../common/moderation';
import { liveRoom, sessionOf } from './socket_session';

// Acts on this worker's sockets when any worker of any host kicks or bans (service.moderation.channel): a kicked user's
// sockets leave the room and its online list, a banned user's sockets are told and disconnected.
export class ModerationListener {
  private readonly app: Application;
  private subscriber?: Redis;

  constructor(app: Application) {
    this.app = app;
  }

  async start() {
    const channel = this.app.createAnonymousContext().service.moderation.channel;
    // A subscribed connection of its own, as the online broadcaster's (app/lib/online_broadcaster.ts).
    const client = this.app.redis as unknown as { duplicate(override: object): Redis };
    this.subscriber = client.duplicate({ enableOfflineQueue: true });
    this.subscriber.on('message', (_channel: string, message: string) => {
      this.act(JSON.parse(message) as ModerationNotice).catch(err => this.app.logger.error(err));
    });
    this.subscriber.on('error', err => this.app.coreLogger.warn('[moderation] subscription: %s', err.message));
    await this.subscriber.subscribe(channel);
  }

  close() {
    this.subscriber?.disconnect();
  }

  private async act(notice: ModerationNotice) {
    const sockets = Object.values(this.app.io.of('/').connected);
    if (notice.type === 'kick') {
      const { liveId, userId, seconds } = notice;
      const kicked = sockets.filter(socket => sessionOf(socket).lives.get(liveId)?.id === userId);
      await Promise.all(kicked.map(socket => this.leave(socket, liveId, MODERATION_MESSAGES.kickedNotice(seconds))));
      return;
    }
    const { userId } = notice;
    for (const socket of sockets) {
      const session = sessionOf(socket);
      const listed = [ ...session.lives.values() ].some(user => user.id === userId);
      if (!listed && session.auth?.user.id !== userId) continue;
      session.auth = undefined;
      this.tell(socket, MODERATION_MESSAGES.bannedNotice);
      // The presence middleware takes it out of its rooms' online lists; socket.io-client does not reconnect after a
      // disconnect the server sent.
      socket.disconnect(true);
    }
  }

  // Out of one room: the socket.io room, the session and the room's online list, then told why.
  private async leave(socket: Socket, liveId: number, message: string) {
    socket.leave(liveRoom(liveId));
    sessionOf(socket).lives.delete(liveId);
    this.tell(socket, message);
    await this.app.createAnonymousContext().service.online.leave(liveId, socket.id);
  }

  // As ctx.socketFail: the course client shows it as a toast.
  private tell(socket: Socket, message: string) {
    socket.emit(socket.id, this.app.createAnonymousContext().helper.parseMsg('error', message));
  }
}
