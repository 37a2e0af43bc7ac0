import { Context } from 'egg';
import { describeError } from '../common/validation';

interface HttpError extends Error {
  body?: boolean;
  status?: number;
  statusCode?: number;
  errors?: Array<{ field?: string; message?: string }>;
}

// Body parsing failures (marked by config.bodyParser.onerror), by status, in words a person reads.
const BODY_ERRORS: Record<number, string> = {
  400: '请求体格式不正确',
  413: '请求体过大',
  415: '不支持的请求体类型或编码',
};

// Turns every thrown error into the course envelope {msg: 'fail', data: '<message>'} with its status.
export default () => async function errorHandler(ctx: Context, next: () => Promise<void>) {
  try {
    await next();
    if (ctx.status === 404 && !ctx.body) {
      ctx.apiFail(`${ctx.method} ${ctx.path} 不存在`, 'fail', 404);
    }
  } catch (e) {
    const err = e as HttpError;
    const raw = err.status || err.statusCode || 500;
    const status = raw >= 400 && raw < 600 ? raw : 500;
    let message = err.message;
    if (status >= 500) {
      // Logged with its stack by Egg's error listener; the client sees details only on a developer's machine.
      ctx.app.emit('error', err, ctx);
      if (![ 'local', 'unittest' ].includes(ctx.app.config.env)) message = 'Internal Server Error';
    } else if (status === 422 && err.errors?.length) {
      message = describeError(err.errors[0]);
    } else if (err.body) {
      message = BODY_ERRORS[status] ?? BODY_ERRORS[400];
    }
    ctx.apiFail(message, 'fail', status);
  }
};
