import { Application, Context } from 'egg';

// One worker, every heartbeat: unlists the sockets whose heartbeat stopped config.realtime.online.stale seconds ago
// (a worker that died, or a host), so an online list is exact again within stale + heartbeat seconds.
export default (app: Application) => ({
  schedule: { type: 'worker', interval: app.config.realtime.online.heartbeat * 1000 },
  async task(ctx: Context) {
    const removed = await ctx.service.online.sweep(Date.now() - app.config.realtime.online.stale * 1000);
    if (removed) ctx.logger.info('[online] swept %d socket(s) without a heartbeat', removed);
  },
});
