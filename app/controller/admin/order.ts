import { AdminController } from '../../lib/admin_controller';
import { ORDER_STATUSES, OrderStatus } from '../../model/order';
import { connectionOffset, formatDateTime } from '../../common/columns';

const STATUS_NAMES: Record<OrderStatus, string> = { pending: '待支付', success: '已支付', fail: '已关闭' };
const STATUS_TONES: Record<OrderStatus, string> = { pending: 'amber', success: 'green', fail: 'grey' };

export default class OrderController extends AdminController {
  // GET /admin/order?status=&user= (a user's id or name)
  async index() {
    const { ctx, service } = this;
    const status = ORDER_STATUSES.find(name => name === ctx.query.status);
    const user = typeof ctx.query.user === 'string' ? ctx.query.user.trim().slice(0, 30) : '';
    const paging = this.paging();
    const { rows, count } = await service.order.adminList(paging.page, paging.limit, status, user);
    const query = (name?: OrderStatus) => {
      const params = new URLSearchParams(user ? { user } : {});
      if (name) params.set('status', name);
      return `/admin/order${params.size ? `?${params}` : ''}`;
    };
    // paid_at as created_time reads: in the connection's time zone.
    const offset = connectionOffset(this.app.model);
    await this.table('订单列表', {
      tabs: [{ name: '全部', url: query(), active: !status }, ...ORDER_STATUSES.map(name => ({ name: STATUS_NAMES[name], url: query(name), active: name === status })) ],
      search: { name: 'user', value: user, placeholder: '用户ID或用户名', hidden: status ? [{ name: 'status', value: status }] : [] },
      columns: [ 'ID', '订单号', '用户', '金额（元）', '金币', '状态', '微信支付单号', '支付时间', '创建时间' ],
      rows: rows.map(order => ({
        cells: [
          { text: order.id },
          { text: order.no },
          { text: order.user?.username ?? order.user_id, muted: `#${order.user_id}` },
          { text: order.price },
          { text: order.coin },
          { text: STATUS_NAMES[order.status], badge: STATUS_TONES[order.status] },
          { text: order.transaction_id ?? '' },
          { text: order.paid_at ? formatDateTime(order.paid_at, offset) : '' },
          { text: order.created_time },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }
}

