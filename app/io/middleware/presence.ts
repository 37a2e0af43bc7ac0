import { Context } from 'egg';
import { sessionOf } from '../../lib/socket_session';

// Connection middleware: once its socket disconnects (egg-socket.io resumes it then), takes the socket out of the
// online list of every live it joined. A worker that dies runs none of this: the sweep schedule covers that.
export default () => async function presence(ctx: Context, next: () => Promise<void>) {
  const { socket } = ctx;
  // A second CONNECT of one namespace on one connection would make a second socket of the same id, whose first one
  // never sees its disconnect; refused.
  if ((socket.client as unknown as { nsps: Record<string, unknown> }).nsps[socket.nsp.name]) {
    throw new Error(`[presence] connection ${socket.id} is already connected to ${socket.nsp.name}`);
  }
  await next();
  const session = sessionOf(socket);
  const lives = [ ...session.lives.keys() ];
  session.lives.clear();
  await Promise.all(lives.map(liveId => ctx.service.online.leave(liveId, socket.id)));
};
