import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';

// @eggjs/router's Layer: each route of a router, tested against the request's path by match().
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Layer = require('@eggjs/router/lib/layer');

describe('test/app/lib/route_group.ts', () => {
  afterEach(() => mm.restore());

  // The paths of the routes a request to `url` was tested against.
  async function testedFor(url: string, status: number): Promise<string[]> {
    const tested: string[] = [];
    const match = Layer.prototype.match;
    mm(Layer.prototype, 'match', function(this: { path: string }, path: string) {
      tested.push(String(this.path));
      return match.call(this, path);
    });
    await app.httpRequest().get(url).expect(status);
    mm.restore();
    return tested;
  }

  it('matches an API request against its own group\'s routes only, not the console\'s or the pages\'', async () => {
    const tested = await testedFor('/api/live/list/1', 200);
    assert(tested.length > 0 && tested.length <= 8, `${tested.length} routes tested: ${tested.join(' ')}`);
    assert(tested.every(path => path.startsWith('/api/live/')), tested.join(' '));
    const gifts = await testedFor('/api/gift/list', 200);
    assert(gifts.every(path => path.startsWith('/api/gift/')), gifts.join(' '));
  });

  it('keeps the console\'s routes to requests under /admin', async () => {
    const tested = await testedFor('/admin/login', 200);
    assert(tested.every(path => path.startsWith('/admin')), tested.join(' '));
    // The pages, health and metrics stay in app.router, which the API and the console never reach.
    const routes = app.router.stack.map(layer => String(layer.path));
    assert(routes.includes('/') && routes.includes('/healthz'), routes.join(' '));
    assert(!routes.some(path => path.startsWith('/api/') || path.startsWith('/admin')), routes.join(' '));
  });

  it('answers every route in its group, and an unknown path under a prefix in the course envelope', async () => {
    await app.httpRequest().get('/').expect(200);
    await app.httpRequest().get('/healthz').expect(200);
    let res = await app.httpRequest().get('/api/gift/list').expect(200);
    assert.equal(res.body.msg, 'ok');
    // A known path with the wrong method goes on through every group, and is not found.
    res = await app.httpRequest().get('/api/login').expect(404);
    assert.deepEqual(res.body, { msg: 'fail', data: 'GET /api/login 不存在' });
    for (const path of [ '/api/live/nope', '/api', '/apix/live/list/1', '/adminx' ]) {
      res = await app.httpRequest().get(path).expect(404);
      assert.deepEqual(res.body, { msg: 'fail', data: `GET ${path} 不存在` }, path);
    }
  });
});
