import { Application, Context } from 'egg';
import { sessionOf } from '../../lib/socket_session';

// socket.io 2 emits a client's event on the socket itself: one named like its own events (Socket.events) would pass
// for them, e.g. a fake 'disconnect' that runs the disconnect clean-up while the socket stays connected.
const RESERVED = new Set([ 'error', 'connect', 'disconnect', 'disconnecting', 'newListener', 'removeListener' ]);

// Packet middleware: drops events with socket.io's reserved names; one socket's events run one after another, in the order sent (a leave never overtakes its
// join). A client that sends faster than its events complete has them refused past config.realtime.maxPendingEvents.
export default (app: Application) => async function inOrder(ctx: Context, next: () => Promise<void>) {
  if (RESERVED.has(ctx.packet[0] as string)) return;
  const session = sessionOf(ctx.socket);
  if (session.pending >= app.config.realtime.maxPendingEvents) {
    const reply = ctx.helper.parseMsg('error', '请求太频繁，请稍后再试');
    ctx.socket.emit(ctx.socket.id, reply);
    const ack = ctx.packet[ctx.packet.length - 1];
    if (typeof ack === 'function') ack(reply);
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
