import { Context } from 'egg';

// Where clients put the token: the `token` header (course clients), `?token=`, or `Authorization: Bearer`.
function tokenOf(ctx: Context): string | undefined {
  const header = ctx.get('token');
  if (header) return header;
  const query = ctx.query.token;
  if (typeof query === 'string' && query) return query;
  const [ scheme, bearer ] = ctx.get('authorization').split(' ');
  if (scheme && scheme.toLowerCase() === 'bearer' && bearer) return bearer;
  return undefined;
}

// Routes behind it need a logged-in user; it sets ctx.authUser or answers 401 with the contract's message.
export default () => async function auth(ctx: Context, next: () => Promise<void>) {
  ctx.authUser = await ctx.service.user.authenticate(tokenOf(ctx));
  await next();
};
