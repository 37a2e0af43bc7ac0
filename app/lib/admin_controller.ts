import { Context, Controller } from 'egg';
import { integer, MAX_ID } from '../common/validation';
import { Actor } from '../common/moderation';

// The console's navigation, in the course's order.
export const NAV = [
  { name: '主面板', url: '/admin' },
  { name: '用户管理', url: '/admin/user' },
  { name: '直播间管理', url: '/admin/live' },
  { name: '礼物管理', url: '/admin/gift' },
  { name: '订单管理', url: '/admin/order' },
  { name: '管理员管理', url: '/admin/manager' },
  { name: '违禁词', url: '/admin/word' },
  { name: '管理记录', url: '/admin/moderation' },
];

const MAX_PAGE = 100000000;

// The console's routes that answer JSON (the dashboard's figures, uploads): refusals in the course envelope, not toasts.
export function answersJson(ctx: Context): boolean {
  return ctx.path.startsWith('/admin/api/') || ctx.path === '/admin/upload';
}
export const PAGE_SIZE = 20;

export interface Paging { page: number; limit: number }

// What the generic table (app/view/admin/table.nj) shows in a cell.
export interface Cell { text?: string | number; href?: string; image?: string; badge?: string; muted?: string }
// A POST action is a small form: the CSRF token and `fields` as hidden inputs.
export interface Action { label: string; url: string; post?: boolean; confirm?: string; style?: string; fields?: Record<string, string | number> }
export interface Row { cells: Cell[]; actions?: Action[] }

// What a form field of the generic form (app/view/admin/form.nj) is.
export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'number' | 'image' | 'select' | 'textarea';
  value?: string | number;
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: Array<{ value: string; label: string }>;
}
export interface Form { title?: string; action: string; fields: Field[]; submit: string }

// The console's controllers: paging, one generic table and one generic form, toasts, and the log line of each change.
export class AdminController extends Controller {
  // ?page= and ?limit= (or another name for pages of a second table); anything else reads as the first page.
  protected paging(param = 'page'): Paging {
    const number = (value: unknown, max: number, fallback: number) => {
      const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : 0;
      return n >= 1 && n <= max ? n : fallback;
    };
    return { page: number(this.ctx.query[param], MAX_PAGE, 1), limit: number(this.ctx.query.limit, 100, PAGE_SIZE) };
  }

  // Links to the pages before and after, keeping the rest of the query.
  protected pager(count: number, { page, limit }: Paging, param = 'page') {
    const pages = Math.max(1, Math.ceil(count / limit));
    const url = (n: number) => {
      const query = new URLSearchParams(this.ctx.querystring);
      query.set(param, String(n));
      return `${this.ctx.path}?${query}`;
    };
    return { page, pages, total: count, prev: page > 1 ? url(page - 1) : null, next: page < pages ? url(page + 1) : null };
  }

  // The route's :id, a valid id or a 404 (the page then goes back to the section's list with the message).
  protected id(): number {
    const ctx: Context = this.ctx;
    const value = ctx.params.id;
    if (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) ctx.throw(404, '记录不存在');
    return Number(value);
  }

  // The form's fields, validated by egg-validate; a refusal goes back to the form with its message.
  protected body<T = Record<string, string>>(rules: Record<string, unknown>): T {
    this.ctx.validate(rules, this.ctx.request.body);
    return this.ctx.request.body as T;
  }

  protected async page(view: string, locals: Record<string, unknown>) {
    const { ctx } = this;
    const active = NAV.slice().reverse().find(item => ctx.path === item.url || (item.url !== '/admin' && ctx.path.startsWith(`${item.url}`)));
    await ctx.render(`admin/${view}.nj`, {
      ...locals,
      manager: ctx.manager,
      nav: NAV.map(item => ({ ...item, active: item === active })),
      toast: ctx.takeToast(),
    });
  }

  protected table(title: string, table: Record<string, unknown>) {
    return this.page('table', { title, table });
  }

  protected form(title: string, forms: Form[], back: string, extra: Record<string, unknown> = {}) {
    return this.page('form', { title, forms, back, ...extra });
  }

  // The manager acting, as the moderation services name actors.
  protected get actor(): Actor {
    return { kind: 'manager', id: this.ctx.manager.id };
  }

  // A change made: logged with the manager's id, told with a toast on the page the browser goes to.
  protected done(toast: string, url: string, what: string, ...args: unknown[]) {
    const { ctx } = this;
    ctx.logger.info(`[admin] manager %d ${what}`, ctx.manager.id, ...args);
    ctx.toast(toast, 'success');
    ctx.redirect(url);
  }
}

// Validation rules the console's forms share.
export const rules = {
  id: integer(1, MAX_ID),
  // An image the app serves: an upload (POST /admin/upload) or one of app/public's.
  image: { type: 'string', max: 200, format: /^\/public\/[\w/.-]+$/, required: false, allowEmpty: true, message: { format: '请上传图片' } },
};
