import { randomBytes, randomInt } from 'node:crypto';
import { Context } from 'egg';

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// What a login token carries: who the user is, nothing more.
export interface TokenPayload {
  id: number;
  username: string;
}

export default {
  // The course envelope: {msg: 'ok', data}.
  apiSuccess(this: Context, data: unknown = '', msg = 'ok') {
    this.status = 200;
    this.body = { msg, data };
  },

  // The same envelope made beforehand (a cached answer, app/common/json_text.ts's successBytes): the bytes
  // apiSuccess(data) would send.
  apiSuccessBytes(this: Context, body: Buffer) {
    this.status = 200;
    this.type = 'json';
    this.body = body;
  },

  // The course envelope for failures: {msg: 'fail', data: '<message>'} with a 4xx status.
  apiFail(this: Context, data: unknown = '', msg = 'fail', code = 400) {
    this.status = code;
    this.body = { msg, data };
  },

  // The course's socket refusal: to the sender alone, on the event named after its socket id, and to its ack if any;
  // metadata joins meta (the course client shows every refusal as a toast unless meta.notoast).
  socketFail(this: Context, message: string, ack?: (reply: unknown) => void, metadata: Record<string, unknown> = {}) {
    const reply = this.helper.parseMsg('error', message, metadata);
    this.socket.emit(this.socket.id, reply);
    ack?.(reply);
  },

  // Signs a login token that expires after config.auth.tokenTtl seconds; the random jwtid makes every login's token distinct.
  getToken(this: Context, payload: TokenPayload): string {
    const { jwt, config } = this.app;
    return jwt.sign({ id: payload.id, username: payload.username }, config.jwt.secret, {
      algorithm: 'HS256',
      expiresIn: config.auth.tokenTtl,
      jwtid: randomBytes(12).toString('hex'),
    });
  },

  // Verifies a token's signature and expiry; throws jsonwebtoken's errors (TokenExpiredError, JsonWebTokenError).
  checkToken(this: Context, token: string): TokenPayload {
    const { jwt, config } = this.app;
    return jwt.verify(token, config.jwt.secret, { algorithms: [ 'HS256' ] }) as unknown as TokenPayload;
  },

  // Whether a 5xx may show its cause to the client: in tests only (a developer reads it in the logs, as everyone else).
  showErrorDetails(this: Context): boolean {
    return this.app.config.env === 'unittest';
  },

  // The console's toast, shown once on the next page rendered (a flash in the session): the course's
  // 新增成功 / 修改成功 / 删除成功 / 操作成功 as success, refusals as danger.
  toast(this: Context, msg: string, type: 'success' | 'danger' = 'danger') {
    this.session.toast = { msg, type };
  },

  // The toast waiting in the session, taken (it shows once).
  takeToast(this: Context): { msg: string; type: string } | null {
    const toast = this.session.toast ?? null;
    if (toast) this.session.toast = null;
    return toast;
  },

  // A random [0-9a-zA-Z] string from a cryptographically secure source (room keys).
  randomString(this: Context, length: number): string {
    let result = '';
    for (let i = 0; i < length; i++) result += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return result;
  },
};
