import { timingSafeEqual } from 'node:crypto';
import md5 from 'md5';

// The one place that signs (workers) and checks (the agent's media server) media URLs, in Node-Media-Server's shape
// `<expires>-md5("<stream path>-<expires>-<secret>")` so course clients build URLs unchanged; one secret per action.

export type StreamAction = 'publish' | 'play';

export interface SignConfig {
  publishSecret: string;
  playSecret: string;
  // Seconds a signature stays valid.
  signTtl: number;
}

// Every room streams under /live/<its 20-character key>.
export const STREAM_APP = 'live';
export const ROOM_KEY_LENGTH = 20;
const ROOM_KEY = new RegExp(`^[0-9a-zA-Z]{${ROOM_KEY_LENGTH}}$`);
const SIGN = /^(\d{1,12})-([0-9a-f]{32})$/;

export function streamPath(key: string): string {
  return `/${STREAM_APP}/${key}`;
}

// The room key of a stream path, or null when the path is not a room's.
export function roomKeyOf(path: string): string | null {
  const [ empty, app, key, ...rest ] = path.split('/');
  return empty === '' && app === STREAM_APP && ROOM_KEY.test(key ?? '') && rest.length === 0 ? key : null;
}

function secretOf(config: SignConfig, action: StreamAction): string {
  return action === 'publish' ? config.publishSecret : config.playSecret;
}

function digest(path: string, expires: number, secret: string): string {
  return md5(`${path}-${expires}-${secret}`);
}

export function signStream(config: SignConfig, action: StreamAction, key: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + config.signTtl;
  return `${expires}-${digest(streamPath(key), expires, secretOf(config, action))}`;
}

// Why a signature does not let `action` happen on the stream at `path`, or null when it does.
export function checkStreamSign(config: SignConfig, action: StreamAction, path: string, sign: unknown, now = Date.now()): string | null {
  if (sign === undefined || sign === '') return 'no signature';
  const match = typeof sign === 'string' ? SIGN.exec(sign) : null;
  if (!match) return 'malformed signature';
  const expires = Number(match[1]);
  const given = Buffer.from(match[2]);
  const matches = (secret: string) => timingSafeEqual(given, Buffer.from(digest(path, expires, secret)));
  if (!matches(secretOf(config, action))) {
    // Named in the log, so an operator sees a viewer trying to broadcast rather than a corrupt URL.
    if (action === 'publish' && matches(config.playSecret)) return 'a play signature cannot publish';
    return 'signature does not match this room';
  }
  if (expires < Math.floor(now / 1000)) return 'signature expired';
  return null;
}
