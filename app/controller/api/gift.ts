import { Controller } from 'egg';

export default class GiftController extends Controller {
  // GET /api/gift/list: the catalogue, [{id, name, image, coin}].
  async list() {
    const { ctx, service } = this;
    ctx.apiSuccess(await service.gift.list());
  }
}
