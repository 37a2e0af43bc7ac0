import { Application } from 'egg';
import { LiveCache } from '../lib/live_cache';

const LIVE_CACHE = Symbol('Application#liveCache');

export default {
  // This worker's cache of public room answers (app/lib/live_cache.ts).
  get liveCache(): LiveCache {
    const app = this as unknown as Application & { [LIVE_CACHE]?: LiveCache };
    if (!app[LIVE_CACHE]) app[LIVE_CACHE] = new LiveCache(app.config.liveCache);
    return app[LIVE_CACHE];
  },
};
