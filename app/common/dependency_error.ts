import { ConnectionError, TimeoutError } from 'sequelize';

// What a client reads while MySQL or Redis is away (HTTP 503 and the socket error reply alike), and the seconds its
// Retry-After header suggests: about the time a restarted MariaDB or Redis takes to answer again.
export const UNAVAILABLE_MESSAGE = '服务暂时不可用，请稍后再试';
export const RETRY_AFTER_SECONDS = 5;
// What a sender reads when MySQL went away during the COMMIT of a payment: it may have been written before, so
// "try again" would risk paying twice.
export const UNCERTAIN_MESSAGE = '服务暂时不可用，礼物可能已送出，请稍后查看余额，勿重复赠送';

// ioredis's and node_redis's refusals while their connection is down (config.redis.client fails fast, so a command
// is refused at once rather than queued): by class name, message and code (node_redis's NR_CLOSED), as neither
// library is a dependency of the app's own. Node's own AbortError (an aborted upload) is not among them.
const REDIS_ERROR_NAMES = new Set([ 'MaxRetriesPerRequestError' ]);
const REDIS_MESSAGES = [
  'Connection is closed.',
  'Stream isn\'t writeable and enableOfflineQueue options is false',
  'Command timed out',
];
// Socket errors of a connection to either server (mysql2 and ioredis pass them through with these codes).
const SOCKET_CODES = new Set([ 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'NR_CLOSED', 'PROTOCOL_CONNECTION_LOST' ]);

interface Cause { name?: string; message?: string; code?: string; fatal?: boolean }

// Whether an error says MySQL or Redis cannot be reached (rather than that a query or the request was wrong).
export function dependencyDown(err: unknown): boolean {
  // Sequelize's own: ConnectionRefusedError, ConnectionAcquireTimeoutError, HostNotFoundError... and lock timeouts.
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  if (!err || typeof err !== 'object') return false;
  const { name, message, code } = err as Cause;
  if (name && REDIS_ERROR_NAMES.has(name)) return true;
  if (message && REDIS_MESSAGES.some(text => message.startsWith(text))) return true;
  if (code && SOCKET_CODES.has(code)) return true;
  // A query whose mysql2 connection died under it: Sequelize wraps the fatal error as a DatabaseError's parent.
  const parent = (err as { parent?: Cause }).parent;
  return Boolean(parent && (parent.fatal || (parent.code && SOCKET_CODES.has(parent.code))));
}
