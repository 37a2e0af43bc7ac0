import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { Application, Context } from 'egg';
import { installServiceLoader } from '../../../app/lib/service_loader';

type Services = Record<string, unknown>;
const serviceClasses = () => (app as unknown as { serviceClasses: Record<string, new (...args: any[]) => object> }).serviceClasses;

describe('test/app/lib/service_loader.test.ts', () => {
  it('makes each service on first use, once per context, for that context', () => {
    const ctx = app.mockContext();
    const services = ctx.service as unknown as Services;
    assert.strictEqual(ctx.service, services, 'one services object per context');
    const live = ctx.service.live;
    assert(live instanceof serviceClasses().live);
    assert.strictEqual(ctx.service.live, live, 'the same instance on the second use');
    const { ctx: itsContext, service: itsServices } = live as unknown as { ctx: Context; service: Services };
    assert.strictEqual(itsContext, ctx);
    assert.strictEqual(itsServices, services, 'a service reaches the others through the same object');

    const other = app.mockContext();
    assert.notStrictEqual(other.service, services);
    assert.notStrictEqual(other.service.live, live);
    assert.strictEqual((other.service.live as unknown as { ctx: Context }).ctx, other);
  });

  it('puts nothing on a request\'s services object but what it made: the getters are shared', () => {
    const ctx = app.mockContext();
    const services = ctx.service as unknown as Services;
    // egg-core's own loader defines one getter per service (13 here) on every request's object.
    assert.deepStrictEqual(Object.getOwnPropertyNames(services), []);
    const names = Object.keys(serviceClasses());
    assert(names.length >= 13, `services: ${names.join(', ')}`);
    for (const name of names) assert(name in services, `ctx.service.${name}`);
    const shared = Object.getPrototypeOf(services);
    assert.strictEqual(Object.getPrototypeOf(app.mockContext().service), shared);
    assert.deepStrictEqual(Object.keys(shared).sort(), names.sort());
  });

  it('makes what egg-core\'s own loader makes, for every service of the app', () => {
    const ctx = app.mockContext();
    // egg-core's getter, still on the context below the one the loader put on top.
    const eggCore = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(app.context), 'service')?.get;
    assert(eggCore, 'egg-core\'s ctx.service below');
    const theirs = eggCore.call(ctx) as Services;
    const ours = ctx.service as unknown as Services;
    assert.notStrictEqual(theirs, ours);
    const names = Object.keys(serviceClasses());
    // egg-core's getters are own, non-enumerable properties, beside its _ctx and _cache.
    assert.deepStrictEqual(Object.getOwnPropertyNames(theirs).filter(name => !name.startsWith('_')).sort(), names.sort());
    for (const name of names) {
      const [ mine, its ] = [ ours[name] as { ctx: Context }, theirs[name] as { ctx: Context } ];
      assert.notStrictEqual(mine, its, name);
      assert.strictEqual(Object.getPrototypeOf(mine), Object.getPrototypeOf(its), name);
      assert.strictEqual(mine.ctx, ctx, name);
      assert.strictEqual(its.ctx, ctx, name);
    }
  });

  it('serves the services a controller asks for through the same object', async () => {
    // GET /api/live/list/1 reaches service.live through the controller's this.service.
    const res = await app.httpRequest().get('/api/live/list/1').expect(200);
    assert.strictEqual(res.body.msg, 'ok');
    assert(Array.isArray(res.body.data));
  });

  it('keeps app.mockService working: mocks sit on the service classes', async () => {
    app.mockService('live', 'listReply', async () => Buffer.from('{"msg":"ok","data":["mocked"]}'));
    try {
      const res = await app.httpRequest().get('/api/live/list/1').expect(200);
      assert.deepStrictEqual(res.body.data, [ 'mocked' ]);
    } finally {
      app.mockRestore();
    }
  });

  it('follows egg-core for folders, exported objects and values', () => {
    const EXPORTS = (app.loader as unknown as { FileLoader: { EXPORTS: symbol } }).FileLoader.EXPORTS;
    const mark = <T extends object>(value: T): T => Object.assign(value, { [EXPORTS]: true });
    class Top {
      readonly ctx: object;
      constructor(ctx: object) {
        this.ctx = ctx;
      }
    }
    class Inner extends Top {}
    const helpers = mark({ shout: (text: string) => text.toUpperCase() });
    const plain = mark(function plain() {
      return 'a function, not a class';
    });
    const fake = {
      loader: app.loader,
      serviceClasses: { top: mark(Top), folder: { inner: mark(Inner), deeper: { inner: mark(Inner) } }, helpers, plain, answer: 42 },
      context: { own: 'kept' },
    };
    installServiceLoader(fake as unknown as Application);
    const ctx = Object.create(fake.context);
    assert.strictEqual(ctx.own, 'kept', 'the former context stays below');
    const services = ctx.service;
    assert(services.top instanceof Top);
    assert.strictEqual(services.top.ctx, ctx);
    assert(services.folder.inner instanceof Inner);
    assert.strictEqual(services.folder.inner.ctx, ctx);
    assert.strictEqual(services.folder, services.folder, 'a folder is made once per context too');
    assert(services.folder.deeper.inner instanceof Inner);
    assert.notStrictEqual(services.folder.deeper.inner, services.folder.inner);
    assert.strictEqual(services.folder.deeper.inner.ctx, ctx);
    assert.strictEqual(services.helpers, helpers, 'an exported object is handed out as it is');
    assert.strictEqual(services.plain, plain, 'so is an exported function that is not a class');
    assert.strictEqual(services.answer, 42);
  });
});
