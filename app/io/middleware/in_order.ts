import { Application, Context } from 'egg';
import { sessionOf } from '../../lib/socket_session';

// Packet middleware: one socket's events run one after another, in the order sent (a leave never overtakes its join);
// past config.realtime.maxPendingEvents waiting, new ones are refused.
export default (app: Application) => async function inOrder(ctx: Context, next: () => Promise<void>) {
  const session = sessionOf(ctx.socket);
  if (session.pending >= app.config.realtime.maxPendingEvents) {
    const ack = ctx.packet[ctx.packet.length - 1];
    ctx.socketFail('请求太频繁，请稍后再试', typeof ack === 'function' ? ack as (reply: unknown) => void : undefined);
    return;
  }
  session.pending++;
  const previous = session.queue;
  let done = () => {};
  session.queue = new Promise<void>(resolve => { done = resolve; });
  try {
    await previous;
    await next();
  } finally {
    session.pending--;
    done();
  }
};
