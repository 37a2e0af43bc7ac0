import { Application, Context } from 'egg';
import { OnlineUser, sessionOf } from '../lib/socket_session';

// Every worker, every config.realtime.online.heartbeat seconds: marks its joined sockets alive in each room's online
// list (and lists again any that were lost), so that only a dead worker's entries go stale.
export default (app: Application) => ({
  schedule: { type: 'all', interval: app.config.realtime.online.heartbeat * 1000 },
  async task(ctx: Context) {
    const byLive = new Map<number, Array<{ socketId: string; user: OnlineUser }>>();
    for (const socket of Object.values(app.io.of('/').connected)) {
      for (const [ liveId, user ] of sessionOf(socket).lives) {
        const entries = byLive.get(liveId) ?? [];
        entries.push({ socketId: socket.id, user });
        byLive.set(liveId, entries);
      }
    }
    // Sent in the tick the sessions were read: a leave that follows reaches Redis after this heartbeat.
    await Promise.all([ ...byLive ].map(([ liveId, entries ]) => ctx.service.cache.touchOnline(liveId, entries)));
  },
});
