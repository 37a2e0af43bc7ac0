import { EggLogger } from 'egg';
import { BaseSession } from 'node-media-server/src/session/base_session.js';
import { roomKeyOf } from '../common/media_sign';

// Players already cut: a connection that breaks two rules is logged for the first.
const cut = new WeakSet<BaseSession>();

// Disconnects a player at once (nothing queued for it is sent) and logs why in the media log, once.
export function cutPlayer(session: BaseSession, logger: EggLogger, reason: string): void {
  if (cut.has(session)) return;
  cut.add(session);
  if (session.protocol === 'rtmp') session.socket.destroy();
  else if ('terminate' in session.res) session.res.terminate();
  else session.req.socket.destroy();
  logger.warn('[media] play key=%s session=%s from %s: cut: %s',
    roomKeyOf(session.streamPath) ?? '-', session.id, session.ip, reason);
}
