import { Context } from 'egg';
import { answersJson } from '../lib/admin_controller';
import { clientError, ThrownError } from '../common/client_error';

// Where a refused page action sends the browser back to: the console page it came from (its path only, so never
// another site), else the section's list; null when there is nowhere better than the page that failed.
function backTo(ctx: Context): string | null {
  if (ctx.method === 'POST') {
    try {
      const referer = new URL(ctx.get('referer'));
      if (referer.pathname.startsWith('/admin/') && referer.pathname !== ctx.path) return referer.pathname + referer.search;
    } catch {
      // No referer, or not a URL: the section's list below.
    }
  }
  const section = ctx.path.split('/').slice(0, 3).join('/');
  return section !== ctx.path ? section : (ctx.path !== '/admin' ? '/admin' : null);
}

// The console's pages answer a refusal (4xx) as the course's console did: a toast with its message on the page the
// browser is sent back to. Its JSON routes, and failures of the server itself, go on to errorHandler's envelope.
export default () => async function adminPage(ctx: Context, next: () => Promise<void>) {
  try {
    await next();
  } catch (e) {
    const err = e as ThrownError;
    const { status, message } = clientError(err, ctx.showErrorDetails());
    const back = backTo(ctx);
    if (status >= 500 || answersJson(ctx) || !back) throw err;
    if (ctx.manager) ctx.logger.info('[admin] manager %d refused %s %s: %s', ctx.manager.id, ctx.method, ctx.path, message);
    ctx.toast(message);
    ctx.redirect(back);
  }
};
