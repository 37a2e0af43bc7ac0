import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { AdminClient, loggedIn } from '../../../admin_support';
import { registerAndLogin, uniqueName } from '../../../support';

describe('test/app/controller/admin/order.test.ts', () => {
  let client: AdminClient;

  before(async () => {
    ({ client } = await loggedIn());
  });

  it('lists orders with their user, transaction id and paid time, filtered by status and user', async () => {
    const buyer = await registerAndLogin();
    const paid = await app.model.Order.create({
      no: uniqueName('paid'), user_id: buyer.id, price: 6, amount: 600, coin: 60,
      status: 'success', transaction_id: '4200001234202612020000000001', paid_at: new Date('2026-12-02T08:30:00Z'),
    });
    const pending = await app.model.Order.create({ no: uniqueName('pend'), user_id: buyer.id, price: 1, amount: 100, coin: 10 });
    const all = await client.get(`/admin/order?user=${buyer.username}`);
    assert.equal(all.status, 200);
    assert(all.text.includes(paid.no) && all.text.includes(pending.no));
    assert(all.text.includes('4200001234202612020000000001'));
    assert(all.text.includes('2026-12-02 16:30:00'), 'paid_at at the connection time zone (+08:00)');
    const success = await client.get(`/admin/order?status=success&user=${buyer.id}`);
    assert(success.text.includes(paid.no) && !success.text.includes(pending.no));
    const other = await client.get('/admin/order?user=nobody-at-all');
    assert.match(other.text, /共 0 条/);
  });

  it('takes an unknown status as all, and pages', async () => {
    const res = await client.get('/admin/order?status=weird&page=abc&limit=1');
    assert.equal(res.status, 200);
    assert.match(res.text, /第 1 \/ \d+ 页/);
  });

  it('sends a visitor without a session to the login page', async () => {
    assert.equal((await new AdminClient().get('/admin/order')).headers.location, '/admin/login');
  });
});
