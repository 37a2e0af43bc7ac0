import { Context } from 'egg';
import { clientError, ThrownError } from '../../common/client_error';
import { sessionOf } from '../../lib/socket_session';

// Connection middleware: io(url, { query: { token } }) authenticates once, so events may leave the token out; a
// refused token keeps the connection (course clients' events carry their own) and is answered as any socket error.
export default () => async function auth(ctx: Context, next: () => Promise<void>) {
  const { token } = ctx.socket.handshake.query;
  if (typeof token === 'string' && token) {
    const session = sessionOf(ctx.socket);
    session.connectionToken = token;
    try {
      await ctx.service.user.authenticateSocket(session, token);
    } catch (err) {
      const { message } = clientError(err as ThrownError, ctx.showErrorDetails());
      // After socket.io's CONNECT (sent on the next tick, once next() runs), so the client has its listeners set.
      setImmediate(() => ctx.socketFail(message));
    }
  }
  await next();
};
