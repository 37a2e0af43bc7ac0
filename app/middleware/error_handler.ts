import { Context } from 'egg';
import { clientError, ThrownError } from '../common/client_error';
import { dependencyDown, RETRY_AFTER_SECONDS } from '../common/dependency_error';
import { countDependencyError } from '../lib/metrics';

// Turns every thrown error into the course envelope {msg: 'fail', data: '<message>'} with its status.
export default () => async function errorHandler(ctx: Context, next: () => Promise<void>) {
  try {
    await next();
    if (ctx.status === 404 && !ctx.body) {
      ctx.apiFail(`${ctx.method} ${ctx.path} 不存在`, 'fail', 404);
    }
  } catch (e) {
    const err = e as ThrownError;
    const { status, message } = clientError(err, ctx.showErrorDetails());
    // Logged with its stack by Egg's error listener (an exposed 5xx is a refusal, logged where it is thrown).
    if (status >= 500 && !err.expose) ctx.app.emit('error', err, ctx);
    // MySQL or Redis is away: the client may try again shortly (a restart takes seconds).
    if (dependencyDown(err)) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    countDependencyError(err);
    ctx.apiFail(message, 'fail', status);
  }
};
