// @eggjs/router (egg's own router, whose EggRouter is app.router's class) ships no types.
declare module '@eggjs/router' {
  import { Application, Context, Router } from 'egg';

  // app.router's methods; its middleware as egg's own context runs it.
  export interface EggRouter extends Omit<Router, 'middleware'> {
    middleware(): (ctx: Context, next: () => Promise<unknown>) => Promise<unknown>;
  }
  export const EggRouter: new (options: { sensitive?: boolean }, app: Application) => EggRouter;
}
