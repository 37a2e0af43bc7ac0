import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { hashPassword } from '../app/common/password';
import { SocketUser } from '../app/lib/socket_session';
import { uniqueName } from './support';

type Response = Awaited<ReturnType<ReturnType<typeof app.httpRequest>['get']>>;

// A browser of the console, as far as the tests need one: its cookies (session, CSRF secret), the CSRF token of the
// last page it read, and the page it came from (Referer).
export class AdminClient {
  csrf = '';
  private readonly cookies = new Map<string, string>();
  private last = '/admin/login';

  private keep(res: Response): Response {
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [ pair ] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(res.text ?? '');
    if (token) this.csrf = token[1];
    return res;
  }

  get cookie(): string {
    return [ ...this.cookies ].map(([ name, value ]) => `${name}=${value}`).join('; ');
  }

  async get(url: string): Promise<Response> {
    const res = this.keep(await app.httpRequest().get(url).set('cookie', this.cookie));
    if (res.status === 200 && res.type === 'text/html') this.last = url;
    return res;
  }

  // A form posted from the last page read, with its CSRF token unless told otherwise.
  async post(url: string, form: Record<string, string | number> = {}, { csrf = true } = {}): Promise<Response> {
    return this.keep(await app.httpRequest().post(url).type('form')
      .set('cookie', this.cookie)
      .set('referer', `http://127.0.0.1${this.last}`)
      .send({ ...form, ...csrf ? { _csrf: this.csrf } : {} }));
  }

  // Follows a redirect and answers the toast the page shows (type and text), or null.
  async follow(res: Response): Promise<{ page: Response; toast: { type: string; msg: string } | null }> {
    assert.equal(res.status, 302, `a redirect, got ${res.status}: ${res.text}`);
    const page = await this.get(res.headers.location);
    return { page, toast: toastOf(page.text) };
  }

  async login(username: string, password: string): Promise<Response> {
    await this.get('/admin/login');
    return this.post('/admin/loginevent', { username, password });
  }
}

export function toastOf(html: string): { type: string; msg: string } | null {
  const match = /<div class="toast (\w+)" role="status">([^<]*)<\/div>/.exec(html);
  return match ? { type: match[1], msg: match[2] } : null;
}

export async function createManager(password = 'manager-pass') {
  const username = uniqueName('m');
  const manager = await app.model.Manager.create({ username, password: await hashPassword(password) });
  return { id: manager.id, username, password };
}

// A fresh manager, logged in.
export async function loggedIn() {
  const manager = await createManager();
  const client = new AdminClient();
  const res = await client.login(manager.username, manager.password);
  assert.equal(res.headers.location, '/admin', res.text);
  await client.get('/admin');
  return { client, manager };
}

// `user` sends `giftId` to `liveId` through the one path gifts take (service.gift.send), paying its price.
export async function sendGift(user: { id: number; username: string }, liveId: number, giftId: number) {
  const ctx = app.mockContext();
  const sender: SocketUser = { id: user.id, username: user.username, nickname: '', avatar: '' };
  await ctx.service.gift.send(sender, liveId, giftId);
}
