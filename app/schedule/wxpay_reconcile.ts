import { Application, Context } from 'egg';

// One worker, every reconcile.interval seconds: notifications get lost, so orders pending for a while are asked
// about at WeChat Pay, credited when paid and closed as fail once expired (app/service/order.ts reconcile()).
export default (app: Application) => {
  // A run may outlast the interval (100 calls of up to WXPAY_TIMEOUT each); egg-schedule would start the next anyway.
  let running = false;
  return {
    schedule: { type: 'worker', interval: app.config.wxpay.reconcile.interval * 1000, disable: !app.config.wxpay.enable },
    async task(ctx: Context) {
      if (running) return;
      running = true;
      try {
        const { credited, failed } = await ctx.service.order.reconcile();
        if (credited || failed) ctx.logger.info('[wxpay] reconciled: %d credited, %d closed as fail', credited, failed);
      } finally {
        running = false;
      }
    },
  };
};
