import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { cheapestGift } from '../../../socket_support';

describe('test/app/controller/api/gift.test.ts', () => {
  let cheapest: Awaited<ReturnType<typeof cheapestGift>>;
  before(async () => {
    cheapest = await cheapestGift();
  });

  describe('GET /api/gift/list', () => {
    it('answers GET /api/gift/list with the catalogue', async () => {
      const res = await app.httpRequest().get('/api/gift/list')
        .expect(200);
      assert.equal(res.body.msg, 'ok');
      assert(res.body.data.length >= 6);
      assert.deepEqual(Object.keys(res.body.data[0]).sort(), [ 'coin', 'id', 'image', 'name' ]);
      assert.deepEqual(res.body.data.find((gift: { id: number }) => gift.id === cheapest.id), cheapest);
    });
  });
});
