import { Context } from 'egg';
import { BizConfig } from '../../config/config.default';
import { clientAddress } from '../common/client_address';

export interface RateLimitOptions {
  // Which config.rateLimit entry counts this route.
  name: keyof BizConfig['rateLimit'];
  // What the refusal calls the action and its unit: `创建直播间太频繁，每 1 小时最多 10 个`.
  action: string;
  unit: string;
}

// A window in the words people use: 3600 is `1 小时`, 60 is `1 分钟`, 90 is `90 秒`.
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} 小时`;
  if (seconds % 60 === 0) return `${seconds / 60} 分钟`;
  return `${seconds} 秒`;
}

// Each user (behind auth), else each client address, may pass at most `limit` times per `window` seconds
// (config.rateLimit[name], read at each request), counted in Redis so every worker shares the count. Every attempt
// counts, before any work is done.
export default (options: RateLimitOptions) => async function rateLimit(ctx: Context, next: () => Promise<void>) {
  const { limit, window } = ctx.app.config.rateLimit[options.name];
  const who = ctx.authUser ? `user_${ctx.authUser.id}` : `ip_${clientAddress(ctx.ip)}`;
  if (await ctx.service.cache.incr(`rate_${options.name}_${who}`, 1, window) > limit) {
    ctx.set('Retry-After', String(window));
    ctx.throw(429, `${options.action}太频繁，每 ${duration(window)}最多 ${limit} ${options.unit}`);
  }
  await next();
};
