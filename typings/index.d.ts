import 'egg';
// app.jwt and config.jwt are typed by egg-jwt itself.
import 'egg-jwt';
import { BizConfig } from '../config/config.default';
import { TokenPayload } from '../app/extend/context';
import { User } from '../app/model/user';
import { Manager } from '../app/model/manager';

declare module 'egg' {
  interface Context {
    // Set by app/middleware/auth.ts on the routes that need a user.
    authUser: User;
    // Set by app/middleware/admin_auth.ts on the console's pages.
    manager: Manager;
    toast(msg: string, type?: 'success' | 'danger'): void;
    takeToast(): { msg: string; type: string } | null;
    apiSuccess(data?: unknown, msg?: string): void;
    apiSuccessJson(json: string, msg?: string): void;
    apiFail(data?: unknown, msg?: string, code?: number): void;
    getToken(payload: TokenPayload): string;
    checkToken(token: string): TokenPayload;
    randomString(length: number): string;
    showErrorDetails(): boolean;
    socketFail(message: string, ack?: (reply: unknown) => void, metadata?: Record<string, unknown>): void;
    // Set by egg-socket.io: a routed event's arguments, and the packet a packet middleware sees.
    args: unknown[];
    packet: unknown[];
  }

  // Set by koa-bodyparser next to the parsed body: the text as sent (WeChat Pay's notification signature covers it).
  interface Request {
    rawBody?: string;
  }

  interface EggAppConfig extends BizConfig {}

  // egg-logger takes it (config.logger is passed to every logger); egg's own type leaves it out.
  interface EggLoggerConfig {
    paddingMessageFormatter?: (ctx: Context) => string;
  }
}

// socket.io 2 has the `local` flag on namespaces too (lib/namespace.js flags); @types/socket.io 2 lists it on Server only.
declare global {
  namespace SocketIO {
    interface Namespace {
      local: Namespace;
    }
  }
}
