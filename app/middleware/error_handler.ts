import { Context } from 'egg';

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  errors?: Array<{ field?: string; message?: string }>;
}

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
      // Logged with its stack by Egg's error listener; the client sees details only outside production.
      ctx.app.emit('error', err, ctx);
      if (ctx.app.config.env === 'prod') message = 'Internal Server Error';
    } else if (status === 422 && err.errors?.length) {
      const [ first ] = err.errors;
      message = first.field ? `${first.field} ${first.message}` : String(first.message);
    }
    ctx.apiFail(message, 'fail', status);
  }
};
