import { Application, Context } from 'egg';
import { Socket } from 'socket.io';
import { sessionOf } from '../../lib/socket_session';
import { frameBroadcasts } from '../../lib/framed_broadcast';

// Connection middleware, the last: once its socket disconnects, takes the socket out of the online list of every live
// it joined; meanwhile the room broadcasts it gets are framed once per room (app/lib/framed_broadcast.ts). A worker
// that dies runs none of this: the sweep schedule covers that.
//
// It does not call next(). egg-socket.io's last step (lib/connectionMiddlewareInit.js) lets the connection in and then
// waits for the disconnect, so a chain that runs through it keeps this Egg context (request, response, and an
// http.ServerResponse) for as long as the socket lives: most of what an idle viewer cost. A chain that ends here lets
// egg-socket.io let the connection in once it has run (its `!nexted && next()`), and the context goes; the clean-up
// hangs on the socket's own disconnect with a context of its own. The middleware before this one (auth) has run whole
// by then, so a refused connection is refused as before.
export default (app: Application) => async function presence(ctx: Context) {
  const { socket } = ctx;
  // A second CONNECT of one namespace on one connection would make a second socket of the same id, whose first one
  // never sees its disconnect; refused.
  if ((socket.client as unknown as { nsps: Record<string, unknown> }).nsps[socket.nsp.name]) {
    throw new Error(`[presence] connection ${socket.id} is already connected to ${socket.nsp.name}`);
  }
  frameBroadcasts(socket);
  socket.once('disconnect', () => {
    leaveAll(app, socket).catch(err => app.coreLogger.error(err));
  });
};

async function leaveAll(app: Application, socket: Socket): Promise<void> {
  const session = sessionOf(socket);
  const lives = [ ...session.lives.keys() ];
  session.lives.clear();
  if (!lives.length) return;
  const { online } = app.createAnonymousContext().service;
  await Promise.all(lives.map(liveId => online.leave(liveId, socket.id)));
}
