import { Application } from 'egg';
import { MEDIA_STATUS, MediaStatus } from '../common/ops_messages';
import { dependencyErrors } from './metrics';
import { ask } from './process_ask';
import { within } from './time_limit';

// Milliseconds each dependency has to answer /readyz: a hung one makes the answer 503 this fast.
export const CHECK_TIMEOUT = 1000;

export type State = 'up' | 'down' | 'disabled';
export type Dependency = 'mysql' | 'redis' | 'media';

// 'up' when the check resolves within CHECK_TIMEOUT, else 'down'.
async function bounded(check: () => Promise<unknown>): Promise<State> {
  try {
    await within(check(), CHECK_TIMEOUT, 'readiness check');
    return 'up';
  } catch {
    return 'down';
  }
}

// The agent's media server, asked over the messenger; no answer in time is down too.
async function mediaState(app: Application): Promise<State> {
  if (!app.config.media.enable) return 'disabled';
  const [ reply ] = await ask<MediaStatus>(app.messenger, MEDIA_STATUS, [ 'agent' ], 1, CHECK_TIMEOUT);
  if (reply && !reply.value.enabled) return 'disabled';
  return reply?.value.up ? 'up' : 'down';
}

// Each dependency's state, checked at once: MySQL through the app's Sequelize, Redis by PING, the media server.
export async function readiness(app: Application): Promise<Record<Dependency, State>> {
  const [ mysql, redis, media ] = await Promise.all([
    bounded(() => app.model.query('SELECT 1')),
    bounded(() => app.redis.ping()),
    mediaState(app),
  ]);
  const states = { mysql, redis, media };
  for (const [ dependency, state ] of Object.entries(states)) if (state === 'down') dependencyErrors.inc({ dependency });
  return states;
}
