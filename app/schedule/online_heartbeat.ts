import { Application, Context } from 'egg';
import { Socket } from 'socket.io';
import { OnlineUser, liveRoom, sessionOf } from '../lib/socket_session';

// Every worker: keeps its joined sockets listed (only a dead worker's entries go stale, and lost ones come back);
// a socket whose token was revoked or expired leaves its rooms instead.
export default (app: Application) => ({
  schedule: { type: 'all', interval: app.config.realtime.online.heartbeat * 1000 },
  async task(ctx: Context) {
    const joined = Object.values(app.io.of('/').connected).filter(socket => sessionOf(socket).lives.size > 0);
    const checked = joined.flatMap(socket => {
      const { auth } = sessionOf(socket);
      return auth ? [{ userId: auth.user.id, token: auth.token }] : [];
    });
    const revoked = await ctx.service.user.revoked(checked);
    const revokedTokens = new Set(checked.filter((_, i) => revoked[i]).map(({ token }) => token));
    const now = Date.now();
    // Without a user (its last token was refused), expired, or revoked and not re-authenticated since.
    const gone = new Set<Socket>(joined.filter(socket => {
      const { auth } = sessionOf(socket);
      return !auth || now >= auth.expiresAt || revokedTokens.has(auth.token);
    }));

    // From here on, every command is sent in this tick: a leave or join that follows reaches Redis after it.
    const sent: Array<Promise<unknown>> = [];
    const byLive = new Map<number, Array<{ socketId: string; user: OnlineUser }>>();
    for (const socket of joined) {
      const { lives } = sessionOf(socket);
      if (gone.has(socket)) {
        for (const liveId of lives.keys()) {
          socket.leave(liveRoom(liveId));
          sent.push(ctx.service.online.leave(liveId, socket.id));
        }
        lives.clear();
        continue;
      }
      for (const [ liveId, user ] of lives) {
        const entries = byLive.get(liveId) ?? [];
        entries.push({ socketId: socket.id, user });
        byLive.set(liveId, entries);
      }
    }
    for (const [ liveId, entries ] of byLive) sent.push(ctx.service.online.touch(liveId, entries));
    await Promise.all(sent);
  },
});
