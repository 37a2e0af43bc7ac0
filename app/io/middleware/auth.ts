import { Context } from 'egg';
import { clientError, ThrownError } from '../../common/client_error';
import { sessionOf } from '../../lib/socket_session';

// Connection middleware: a client may authenticate once, io(url, { query: { token } }); its events may then leave
// the token out. A refused token does not refuse the connection (events may still carry their own, as course
// clients' do): the reason goes to the socket on the event named after its id, as every socket error does.
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
