import { Context } from 'egg';

// socket.io 2 emits a client's event on the socket itself: one named like its own events (Socket.events) would pass
// for them, e.g. a fake 'disconnect' that runs the disconnect clean-up while the socket stays connected.
const RESERVED = new Set([ 'error', 'connect', 'disconnect', 'disconnecting', 'newListener', 'removeListener' ]);

// Packet middleware: drops events named like socket.io's own, unanswered.
export default () => async function reservedEvents(ctx: Context, next: () => Promise<void>) {
  if (RESERVED.has(ctx.packet[0] as string)) return;
  await next();
};
