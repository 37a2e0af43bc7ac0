import { EggRouter } from '@eggjs/router';
import { Application, Context } from 'egg';

// A router of its own for the routes under `prefix` (the API's /api/live, /api/gift and /api, the console's /admin),
// which only requests under that prefix reach. @eggjs/router tests a request against every route its router holds,
// about half a microsecond each (a disabled debuglog call per route): in one router of 62 routes, every API request
// paid for the console's too.
// A request the group does not answer goes on to the next group and to app.router (the pages, health and metrics).
export function routeGroup(app: Application, prefix: string): EggRouter {
  // The options egg-core gives app.router.
  const router = new EggRouter({ sensitive: true }, app);
  const dispatch = router.middleware();
  const below = `${prefix}/`;
  const within = (path: string) => path === prefix || path.startsWith(below);
  app.use((ctx: Context, next: () => Promise<unknown>) => (within(ctx.path) ? dispatch(ctx, next) : next()));
  return router;
}
