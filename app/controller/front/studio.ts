import { Controller } from 'egg';

export default class StudioController extends Controller {
  // GET /studio: the broadcaster's page; everything on it runs in the browser against the API.
  async index() {
    await this.ctx.render('front/studio.nj', { title: '开播' });
  }
}
