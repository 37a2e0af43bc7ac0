import { Context } from 'egg';

type Policy = Record<string, string | string[]>;

const asList = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [ value ] : []);

// The pages' Content-Security-Policy is config.security.csp's; this adds the origins known only per request: the
// media server's (HTTP-FLV fetch, WebSocket-FLV) and the app's own WebSocket (socket.io).
export default () => async function frontCsp(ctx: Context, next: () => Promise<void>) {
  const base = ctx.app.config.security.csp.policy as Policy;
  const ownSocket = `${ctx.protocol === 'https' ? 'wss' : 'ws'}://${ctx.host}`;
  const origins = [ ownSocket, ...ctx.service.live.playOrigins() ];
  ctx.securityOptions.csp = {
    policy: { ...base, 'connect-src': [ ...asList(base['connect-src']), ...origins ] },
  };
  await next();
};
