import 'egg';
// app.jwt and config.jwt are typed by egg-jwt itself.
import 'egg-jwt';
import { BizConfig } from '../config/config.default';
import { TokenPayload } from '../app/extend/context';
import { User } from '../app/model/user';

declare module 'egg' {
  interface Context {
    // Set by app/middleware/auth.ts on the routes that need a user.
    authUser: User;
    apiSuccess(data?: unknown, msg?: string): void;
    apiFail(data?: unknown, msg?: string, code?: number): void;
    getToken(payload: TokenPayload): string;
    checkToken(token: string): TokenPayload;
    randomString(length: number): string;
  }

  interface EggAppConfig extends BizConfig {}

  // egg-logger takes it (config.logger is passed to every logger); egg's own type leaves it out.
  interface EggLoggerConfig {
    paddingMessageFormatter?: (ctx: Context) => string;
  }
}
