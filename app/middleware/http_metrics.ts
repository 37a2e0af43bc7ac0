import { Context } from 'egg';
import { httpDuration } from '../lib/metrics';

// Times (and so counts: app/lib/metrics.ts) every answer by the router's path pattern (ctx._matchedRoute); placed
// outside notfound and errorHandler by app.ts, so the status is the one sent. It also keeps the request in app.inFlight
// for shutdown.
export default () => async function httpMetrics(ctx: Context, next: () => Promise<void>) {
  const { inFlight } = ctx.app;
  const started = performance.now();
  inFlight.enter();
  try {
    await next();
  } finally {
    inFlight.leave();
    const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
    const labels = { method: ctx.method, route: matched ? String(matched) : 'unmatched', status: String(ctx.status) };
    httpDuration.observe(labels, (performance.now() - started) / 1000);
  }
};
