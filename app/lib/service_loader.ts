import { Application, Context } from 'egg';

// egg-core's ctx.service (its ContextLoader) makes, for each request that touches it, a new object with one getter per
// service put on it by Object.defineProperty, a closure each: 13 services made it 4 KB and about 10 µs of a cached
// room list, whose controller only asks for one (every controller asks for ctx.service in its constructor). Here the
// getters live once on a prototype per folder of services and a request makes one small object, whose services are
// made on first use and kept, one instance per context and name, as egg-core keeps them.
// egg-core defines ctx.service on app.context without `configurable`, so it is shadowed from one prototype level above.

const SERVICES = Symbol('services');
// Symbol keys, so that no service name can clash with them.
const CONTEXT = Symbol('context');
const MADE = Symbol('made');

interface FileLoaderStatic {
  EXPORTS: symbol;
}

type Folder = Record<string, unknown>;
type Make = (ctx: Context) => unknown;

// A class statement, as egg-core's is-type-of tells a service class from an exported function or object.
function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

// What egg-core's getInstance makes of one entry of app.serviceClasses, decided once instead of per request.
function maker(value: unknown, exportsMark: symbol): Make {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    if ((value as Record<symbol, unknown>)[exportsMark]) {
      if (isClass(value)) {
        const Service = value as new (ctx: Context) => unknown;
        return ctx => new Service(ctx);
      }
      return () => value;
    }
    // A folder of services (app/service/<folder>/<name>.ts): ctx.service.<folder>.<name>.
    const Nested = folderClass(value as Folder, exportsMark);
    return ctx => new Nested(ctx);
  }
  return () => value;
}

function folderClass(folder: Folder, exportsMark: symbol): new (ctx: Context) => object {
  class Services {
    readonly [CONTEXT]: Context;
    readonly [MADE] = new Map<string, unknown>();
    constructor(ctx: Context) {
      this[CONTEXT] = ctx;
    }
  }
  for (const name of Object.keys(folder)) {
    const make = maker(folder[name], exportsMark);
    Object.defineProperty(Services.prototype, name, {
      enumerable: true,
      get(this: Services) {
        let instance = this[MADE].get(name);
        if (instance === undefined) {
          instance = make(this[CONTEXT]);
          this[MADE].set(name, instance);
        }
        return instance;
      },
    });
  }
  return Services;
}

// Called once the services are loaded (the boot hook's didLoad): contexts made from then on get the shared getters.
// The services are those of app.serviceClasses at that moment (egg-core reads it per context): an entry replaced
// later is not seen; app.mockService is, as it patches the classes' prototypes.
export function installServiceLoader(app: Application): void {
  const exportsMark = (app.loader as unknown as { FileLoader: FileLoaderStatic }).FileLoader.EXPORTS;
  const Services = folderClass((app as unknown as { serviceClasses: Folder }).serviceClasses, exportsMark);
  const context = Object.create(app.context);
  Object.defineProperty(context, 'service', {
    get(this: Context & { [SERVICES]?: object }) {
      let services = this[SERVICES];
      if (!services) {
        services = new Services(this);
        this[SERVICES] = services;
      }
      return services;
    },
  });
  app.context = context;
}
