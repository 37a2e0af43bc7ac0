import assert from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { app } from 'egg-mock/bootstrap';
import { Context } from 'egg';
import { registerAndLogin } from '../support';

// V8's own answer, whether an object keeps fast (hidden-class) properties or went to a slow dictionary. Allowed at run
// time for the functions compiled after (Node refuses --allow-natives-syntax in NODE_OPTIONS).
setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line no-new-func
const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;

// Each request's context gains properties from Koa, egg, the router, egg-security and egg-core's service loader. Past
// 19 of them a property added by a computed key (a Symbol, as most plugins use) makes V8 turn the object into a
// dictionary, and then every middleware's every ctx access on the busiest routes is a hash lookup: 12% of a list
// request's CPU (bench/README.md, "What changed: the request context"). It happened when the session middleware and
// egg-i18n ran on every request.
describe('test/app/request_context.test.ts', () => {
  async function contextOf(send: () => Promise<unknown>): Promise<Context> {
    let seen: Context | undefined;
    const listener = (ctx: Context) => { seen = ctx; };
    app.on('response', listener);
    try {
      await send();
    } finally {
      app.off('response', listener);
    }
    assert(seen, 'no response event');
    return seen;
  }

  let roomId: number;

  before(async () => {
    const owner = await registerAndLogin();
    const res = await app.httpRequest().post('/api/live/create').set('token', owner.token)
      .send({ title: '快属性' })
      .expect(200);
    roomId = res.body.data.data.id;
  });

  for (const [ name, path ] of [[ 'a list page', () => '/api/live/list/1' ], [ 'a room read', () => `/api/live/read/${roomId}` ], [ 'the gift catalogue', () => '/api/gift/list' ]] as const) {
    it(`keeps fast properties through ${name}, to the response`, async () => {
      const ctx = await contextOf(() => app.httpRequest().get(path()).expect(200));
      assert(hasFastProperties(ctx), `slow properties: ${Reflect.ownKeys(ctx).map(String).join(', ')}`);
    });
  }

  it('the check sees a dictionary-mode context for what it is', async () => {
    const ctx = await contextOf(() => app.httpRequest().get('/api/live/list/1').expect(200));
    for (let i = 0; i < 8; i++) (ctx as unknown as Record<symbol, number>)[Symbol(`extra ${i}`)] = i;
    assert.equal(hasFastProperties(ctx), false);
  });

  it('leaves the session to the console: an API request neither reads nor sets its cookie', async () => {
    const res = await app.httpRequest().get('/api/live/list/1').set('Cookie', 'EGG_SESS=whatever')
      .expect(200);
    assert.equal(res.headers['set-cookie'], undefined);
    const ctx = await contextOf(() => app.httpRequest().get('/api/live/list/1').expect(200));
    assert.deepEqual(Reflect.ownKeys(ctx).map(String).filter(key => /session/i.test(key)), []);
  });
});
