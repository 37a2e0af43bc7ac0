import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { AdminClient, loggedIn, sendGift } from '../../../admin_support';
import { openLive, userWithCoins } from '../../../socket_support';
import { uniqueName } from '../../../support';

const IMAGE = '/public/uploads/2026/12/02/00112233445566778899aabbccddeeff.png';

describe('test/app/controller/admin/gift.test.ts', () => {
  let client: AdminClient;

  before(async () => {
    ({ client } = await loggedIn());
  });

  const catalogue = async () => (await app.httpRequest().get('/api/gift/list').expect(200)).body.data as Array<{ id: number; name: string; coin: number }>;

  // Gifts this file adds leave the catalogue afterwards (the catalogue tests expect the seeded gifts only).
  const made: string[] = [];
  after(async () => {
    if (made.length) await app.model.Gift.update({ hidden: true }, { where: { name: made } });
  });

  async function create(name = uniqueName('g'), coin = 7) {
    made.push(name);
    await client.get('/admin/gift/create');
    const res = await client.post('/admin/gift', { name, image: IMAGE, coin, hidden: '0' });
    return { res, gift: (await app.model.Gift.findOne({ where: { name } }))! };
  }

  it('lists gifts, hidden ones too, paged', async () => {
    const { gift } = await create();
    const res = await client.get('/admin/gift?limit=1');
    assert.equal(res.status, 200);
    assert(res.text.includes(gift.name));
    assert.match(res.text, /第 1 \/ \d+ 页/);
    assert.equal((await new AdminClient().get('/admin/gift')).headers.location, '/admin/login');
  });

  it('creates a gift that the catalogue shows at once', async () => {
    await catalogue();
    const name = uniqueName('g');
    const { res, gift } = await create(name, 9);
    assert.deepEqual((await client.follow(res)).toast, { type: 'success', msg: '新增成功' });
    assert.deepEqual((await catalogue()).find(entry => entry.id === gift.id), { id: gift.id, name, image: IMAGE, coin: 9 });
  });

  it('edits the price and hides a gift: the catalogue follows at once', async () => {
    const { gift } = await create();
    await catalogue();
    await client.get(`/admin/gift/edit/${gift.id}`);
    const edited = await client.follow(await client.post(`/admin/gift/${gift.id}`, { name: gift.name, image: IMAGE, coin: 11, hidden: '0' }));
    assert.deepEqual(edited.toast, { type: 'success', msg: '修改成功' });
    assert.equal((await catalogue()).find(entry => entry.id === gift.id)?.coin, 11);
    await client.post(`/admin/gift/${gift.id}`, { name: gift.name, image: IMAGE, coin: 11, hidden: '1' });
    assert.equal((await catalogue()).find(entry => entry.id === gift.id), undefined);
  });

  it('refuses a hidden gift to senders', async () => {
    const { gift } = await create(uniqueName('g'), 1);
    await client.get(`/admin/gift/edit/${gift.id}`);
    await client.post(`/admin/gift/${gift.id}`, { name: gift.name, image: IMAGE, coin: 1, hidden: '1' });
    const { live } = await openLive();
    const sender = await userWithCoins(5);
    await assert.rejects(sendGift({ id: sender.id, username: sender.username }, live.id, gift.id), /该礼物不存在/);
  });

  it('refuses a negative price, a missing image or name, an outside image, and a missing CSRF token, with no 5xx', async () => {
    await client.get('/admin/gift/create');
    const name = uniqueName('g');
    const forms: Array<Record<string, string | number>> = [
      { name, image: IMAGE, coin: -1 },
      { name, image: IMAGE, coin: 'ten' },
      { name, image: '', coin: 1 },
      { name, image: 'https://evil.example/x.png', coin: 1 },
      { name: '', image: IMAGE, coin: 1 },
      { name, image: IMAGE, coin: 1, hidden: 'maybe' },
    ];
    for (const form of forms) {
      const { toast } = await client.follow(await client.post('/admin/gift', form));
      assert.equal(toast?.type, 'danger', JSON.stringify(form));
    }
    assert.equal((await client.post('/admin/gift', { name, image: IMAGE, coin: 1 }, { csrf: false })).status, 403);
    assert.equal(await app.model.Gift.count({ where: { name } }), 0);
  });

  it('deletes a gift never sent, and refuses one already sent', async () => {
    const { gift: unsent } = await create();
    await catalogue();
    await client.get('/admin/gift');
    const deleted = await client.follow(await client.post(`/admin/gift/delete/${unsent.id}`));
    assert.deepEqual(deleted.toast, { type: 'success', msg: '删除成功' });
    assert.equal((await catalogue()).find(entry => entry.id === unsent.id), undefined);
    const { gift: sent } = await create(uniqueName('g'), 1);
    const { live } = await openLive();
    const sender = await userWithCoins(1);
    await sendGift({ id: sender.id, username: sender.username }, live.id, sent.id);
    await client.get('/admin/gift');
    const refused = await client.follow(await client.post(`/admin/gift/delete/${sent.id}`));
    assert.deepEqual(refused.toast, { type: 'danger', msg: '该礼物已被送出过，不能删除，可以隐藏' });
    assert.equal(await app.model.Gift.count({ where: { id: sent.id } }), 1);
  });
});
