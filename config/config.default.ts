import path from 'node:path';
import { Context, EggAppConfig, EggAppInfo, PowerPartial } from 'egg';
import { connection, intFromEnv } from '../database/config';
import { translate } from '../app/common/validation';
import { DEVELOPMENT_ENVS, secret } from './secrets';
import { MEDIA_LOG_LEVELS, MediaLogLevel } from '../app/lib/media_log';
import { WxpayConfig, wxpayConfig } from '../app/common/wxpay_config';

export interface BizConfig {
  upload: {
    // Absolute folder of uploaded images (served under /public/uploads/); several hosts need it on one shared volume.
    dir: string;
    // Bytes an uploaded image may hold.
    maxSize: number;
  };
  // Origins whose pages may call the API from a browser (H5 builds of the client); ['*'] any origin.
  corsOrigins: string[];
  auth: {
    // Seconds a login token lives, in the JWT and in Redis alike.
    tokenTtl: number;
    login: {
      // Wrong passwords allowed per user and client address within failureWindow seconds; a success clears them.
      maxFailures: number;
      // Failed logins (any username, known or not) allowed per client address within the same window.
      maxAddressFailures: number;
      failureWindow: number;
    };
  };
  cache: {
    // Every Redis key of this app starts with it; cache.clear() removes these keys only.
    prefix: string;
  };
  media: {
    // Whether the agent runs Node-Media-Server; unit tests that need no media switch it off.
    enable: boolean;
    bind: string;
    rtmpPort: number;
    flvPort: number;
    // Publish and play signatures use different secrets, so a viewer's signature can never publish.
    publishSecret: string;
    playSecret: string;
    // Seconds a signature stays valid after it is issued.
    signTtl: number;
    // Seconds a publisher may send nothing before it is taken for gone (a broken network sends no FIN).
    publisherTimeout: number;
    // Host written into the media URLs that create and read answer; empty: the request's host.
    publicHost: string;
    // Node-Media-Server's own log lines below this level are dropped (its default is debug).
    logLevel: MediaLogLevel;
    // Seconds of its stream a player may fall behind (bytes the agent holds for it) before it is cut.
    playerMaxLag: number;
    // Connections the two media ports take at once, in all and from one client address.
    maxConnections: number;
    maxConnectionsPerIp: number;
  };
  // Per user (per client address before login), counted in Redis across workers (app/middleware/rate_limit.ts):
  // `limit` requests per `window` seconds.
  rateLimit: {
    // POST /api/live/create: each room is a row and drops every worker's cached list pages.
    liveCreate: { limit: number; window: number };
    // POST /api/live/changestatus: each change drops the room's and the list pages' cached answers in every worker.
    liveStatus: { limit: number; window: number };
    // POST /api/gift/wxpay: each is an order row and a signed call to WeChat Pay.
    wxpayOrder: { limit: number; window: number };
    // POST /api/upload: each keeps up to UPLOAD_MAX_SIZE on the (shared) upload volume.
    upload: { limit: number; window: number };
    // POST /api/reg, per client address (no user yet): each costs a scrypt and makes an account.
    register: { limit: number; window: number };
  };
  answerCache: {
    // Seconds each worker keeps public room answers (list pages, reads, room status, the gift catalogue); 0 turns the
    // cache off. A new room or a status change drops its answers and the list pages at once in every worker of the
    // host (app/lib/answer_cache.ts).
    ttl: number;
    // Answers kept at most, whatever pages and rooms clients ask for.
    maxEntries: number;
  };
  realtime: {
    // Milliseconds a socket's checked token is trusted before Redis is asked again: a logout or a newer login
    // cuts the socket's rights within this time.
    authRecheck: number;
    // Events of one socket wait in line (they run in order); past this many waiting, new ones are refused.
    maxPendingEvents: number;
    // Socket events of one worker running at once, all sockets together; the others wait their turn
    // (app/lib/event_gate.ts).
    maxConcurrentEvents: number;
    // Rooms one socket may be in at once: each costs Redis work at every heartbeat (app/schedule/online_heartbeat.ts).
    maxLives: number;
    online: {
      // How many users (data) and sockets (clients, by public id) an `online` event lists, newest first; count is exact.
      listLimit: number;
      // Milliseconds between two `online` events of one room from one worker: a burst of joins is told once.
      interval: number;
      // Seconds between the heartbeats of a worker's sockets, and after which an entry with none is swept.
      heartbeat: number;
      stale: number;
    };
    gift: {
      // Milliseconds a sender's run of one gift to one room is counted before the room is told of it as one `gift`
      // event with num = how many (app/lib/gift_coalescer.ts); 0 tells each gift at once.
      coalesceMs: number;
    };
    comment: {
      // Characters (code points) a comment may hold.
      maxLength: number;
      // Comments a user may send to one room within `window` seconds.
      limit: number;
      window: number;
    };
  };
  // Buying coins with WeChat Pay API v3; off (enable false) while no WXPAY_* variable is set.
  wxpay: WxpayConfig;
  metrics: {
    // The bearer token GET /metrics asks for (METRICS_TOKEN); empty: every scrape is refused.
    token: string;
  };
}

// What each environment's config file returns; BizConfig joins EggAppConfig in typings/index.d.ts.
export type DefaultConfig = PowerPartial<EggAppConfig>;

// Log lines name their request without its secrets: a ?token= value is masked.
function requestOfLogLine(ctx: Context): string {
  const url = ctx.url.replace(/([?&]token=)[^&]*/gi, '$1***');
  const ms = ctx.starttime ? Date.now() - ctx.starttime : 0;
  return `[${ctx.userId || '-'}/${ctx.ip}/${ctx.tracer?.traceId || '-'}/${ms}ms ${ctx.method} ${url}]`;
}

function mediaLogLevel(): MediaLogLevel {
  const level = process.env.MEDIA_LOG_LEVEL || 'warn';
  const known = MEDIA_LOG_LEVELS.find(name => name === level);
  if (!known) throw new Error(`[cilicl-live] MEDIA_LOG_LEVEL must be one of ${MEDIA_LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
  return known;
}

// Trusting X-Forwarded-For is opt-in (TRUST_PROXY=true): Egg then keeps its last PROXY_HOPS entries, those the
// trusted proxies wrote, and takes the first of them, so an entry the client wrote itself further left is never used.
function proxySettings(): { proxy: boolean; maxIpsCount: number } {
  const trust = process.env.TRUST_PROXY || 'false';
  if (trust !== 'true' && trust !== 'false') {
    throw new Error(`[cilicl-live] TRUST_PROXY must be true or false, got ${JSON.stringify(trust)}`);
  }
  return { proxy: trust === 'true', maxIpsCount: intFromEnv('PROXY_HOPS', 1, 1) };
}

const SOCKET_TRANSPORTS = [ 'polling', 'websocket' ];

// The engine.io transports socket.io accepts (SOCKET_TRANSPORTS, comma-separated): both by default, as socket.io-client
// starts with polling unless told otherwise; `websocket` refuses every polling request for clients that never poll.
function socketTransports(): string[] {
  const value = process.env.SOCKET_TRANSPORTS || SOCKET_TRANSPORTS.join(',');
  const names = value.split(',').map(name => name.trim());
  if (!names.every(name => SOCKET_TRANSPORTS.includes(name))) {
    throw new Error(`[cilicl-live] SOCKET_TRANSPORTS must list ${SOCKET_TRANSPORTS.join(' and/or ')}, got ${JSON.stringify(value)}`);
  }
  return [ ...new Set(names) ];
}

// CORS_ORIGINS as a list: each entry '*' or an origin (scheme://host[:port]); anything else stops the start.
export function corsOrigins(value: string): string[] {
  const origins = value.split(',').map(entry => entry.trim()).filter(Boolean);
  return origins.map(entry => {
    if (entry === '*') return entry;
    let origin = '';
    try {
      origin = new URL(entry).origin;
    } catch {
      // Not a URL at all: refused below.
    }
    // Origins are compared whole: a wildcard inside one would match nothing, so it is refused rather than ignored.
    if (origin === 'null' || !origin || entry.includes('*') || origin !== entry.replace(/\/$/, '')) {
      throw new Error(`[cilicl-live] CORS_ORIGINS must list origins such as https://live.example.com (or *), comma-separated, not ${JSON.stringify(entry)}`);
    }
    return origin;
  });
}

// egg-cors (@koa/cors) options: a listed Origin is echoed back, any other gets no CORS headers (the browser refuses).
function corsOptions(origins: string[]) {
  return {
    // A request without Origin is not a browser's cross-origin one: it gets no CORS headers (nor their cost).
    origin: origins.includes('*') ?
      (ctx: Context) => (ctx.get('origin') ? '*' : '') :
      (ctx: Context) => {
        const origin = ctx.get('origin');
        return origins.includes(origin) ? origin : '';
      },
    allowMethods: 'GET,HEAD,POST',
    // Course clients send their token in a header of its own.
    allowHeaders: 'Content-Type,token,Authorization',
    // Seconds a browser may keep a preflight's answer.
    maxAge: 86400,
  };
}

// One secret for both signatures would let every viewer publish; refused whatever the environment.
export function checkMediaSecrets(media: Pick<BizConfig['media'], 'publishSecret' | 'playSecret'>): void {
  if (media.publishSecret === media.playSecret) {
    throw new Error('[cilicl-live] MEDIA_PLAY_SECRET must differ from MEDIA_PUBLISH_SECRET, or any viewer could publish');
  }
}

// The socket.io-redis adapter's connection (node_redis options): IO_REDIS_*, else the main Redis variables. Pub/sub
// channels ignore the database number, so the channel prefix (key) is this app's own.
function ioRedis(prefix: string) {
  const env = process.env;
  const password = env.IO_REDIS_PASSWORD ?? env.REDIS_PASSWORD;
  return {
    host: env.IO_REDIS_HOST || env.REDIS_HOST || '127.0.0.1',
    port: env.IO_REDIS_PORT ? intFromEnv('IO_REDIS_PORT', 6379, 1) : intFromEnv('REDIS_PORT', 6379, 1),
    db: env.IO_REDIS_DB ? intFromEnv('IO_REDIS_DB', 0) : intFromEnv('REDIS_DB', 0),
    ...(password ? { password } : {}),
    key: `${prefix}socket.io`,
    // Reconnect every second at most while Redis is away, for ever: node_redis 3 stops for good once its retries add
    // up to connect_timeout (an hour by default), which would leave rooms cut between workers until a restart. Its
    // offline queue stays on: the adapter subscribes before it is connected, and resubscribes when it is again.
    retry_strategy: ({ attempt }: { attempt: number }) => Math.min(attempt * 100, 1000),
    connect_timeout: 2 ** 31 - 1,
  };
}

export default (appInfo: EggAppInfo) => {
  const env = process.env;
  const config = {} as PowerPartial<EggAppConfig>;
  const mysql = connection(appInfo.env);

  config.keys = secret('EGG_KEYS', appInfo.env);

  // Who the client is (ctx.ip: the login limiter, log lines): the socket's peer unless a proxy is trusted.
  const { proxy, maxIpsCount } = proxySettings();
  config.proxy = proxy;
  config.maxIpsCount = maxIpsCount;

  const logger = {
    // The app logger with the request from async local storage, so every line can be formatted here.
    enableFastContextLogger: true,
    paddingMessageFormatter: requestOfLogLine,
  };
  // Through a variable: egg-bin dev reads this file (for PORT) without typings/, where paddingMessageFormatter is declared.
  config.logger = logger;

  // errorHandler is placed among the core middleware by app.ts, ahead of body parsing.
  config.middleware = [];

  config.cluster = {
    listen: {
      port: intFromEnv('PORT', 7001, 1),
    },
  };

  // The REST API and the sockets carry a token header and no session cookie, so there is nothing there for CSRF to
  // forge; the server-rendered pages (the console under /admin) use a cookie session, and every form there is checked.
  const onConsole = (ctx: Context) => ctx.path.startsWith('/admin');
  // The session middleware runs on the console's requests only: nothing else reads a session, and on the API it was a
  // ContextSession made per request and the property (among egg's, the router's and egg-security's) that turned each
  // request's context into a slow, dictionary-mode object in V8 (bench/README.md, "What changed: the request context").
  config.session = {
    match: onConsole,
  };
  config.security = {
    csrf: {
      enable: true,
      ignore: ctx => !onConsole(ctx),
    },
    // Pages run the app's own scripts and styles only (no inline ones, no CDN). The web front's pages add, per request,
    // the media server's origin and the app's WebSocket to connect-src (app/middleware/front_csp.ts); video plays
    // from blob: URLs (Media Source Extensions). egg-security adds a nonce to script-src, unused. Only HTML answers get
    // it (checked after the answer is made): egg-security parses the request's User-Agent to build one, which was a
    // fifth of a worker's time on the JSON API in `rest`.
    csp: {
      enable: true,
      match: ctx => ctx.response.get('Content-Type').startsWith('text/html'),
      policy: {
        'default-src': "'self'",
        'script-src': "'self'",
        'style-src': "'self'",
        'img-src': [ "'self'", 'data:', 'blob:' ],
        'media-src': [ "'self'", 'blob:' ],
        'connect-src': "'self'",
        'object-src': "'none'",
        'base-uri': "'self'",
        'form-action': "'self'",
        'frame-ancestors': "'none'",
      },
    },
  };

  // Browser libraries come from their npm packages, served by the app (never a CDN): mpegts.js plays HTTP-FLV and
  // WebSocket-FLV, socket.io-client 2 (the version of the server's socket.io, whose own /socket.io/socket.io.js
  // engine.io refuses here) talks to the rooms.
  config.static = {
    // Every folder is served under /public/: other requests skip egg-static's middleware (three awaited checks).
    match: (ctx: Context) => ctx.path.startsWith('/public/'),
    dir: [
      path.join(appInfo.baseDir, 'app/public'),
      { prefix: '/public/vendor/mpegts/', dir: path.join(appInfo.baseDir, 'node_modules/mpegts.js/dist') },
      { prefix: '/public/vendor/socket.io/', dir: path.join(appInfo.baseDir, 'node_modules/socket.io-client/dist') },
    ],
  };

  // Server-rendered pages (app/view/*.nj): the console and the web front share the layouts.
  config.view = {
    defaultViewEngine: 'nunjucks',
    mapping: { '.nj': 'nunjucks' },
  };

  const bodyParser = {
    jsonLimit: '1mb',
    formLimit: '1mb',
    // A body that cannot be read is the client's fault: marked, so errorHandler words it for people.
    // (koa-bodyparser takes onerror; egg's config type leaves it out, hence the variable.)
    onerror(err: Error & { status?: number; body?: boolean }) {
      err.status = err.status || 400;
      err.body = true;
      throw err;
    },
  };
  config.bodyParser = bodyParser;

  config.upload = {
    dir: path.resolve(appInfo.baseDir, env.UPLOAD_DIR || 'run/uploads'),
    maxSize: intFromEnv('UPLOAD_MAX_SIZE', 5 * 1024 * 1024, 1),
  };

  // Stream mode (egg-multipart's default): app/service/upload.ts reads the one file itself, with the limits of
  // config.upload. The bytes decide what a file is (app/common/image_type.ts), so every name passes here.
  config.multipart = {
    mode: 'stream',
    whitelist: () => true,
  };

  // H5 builds of the client run on other origins (egg-cors, ahead of every other middleware).
  // Which pages may call the API is a deployment's decision: outside local and unittest it is said, even as '*'.
  if (!env.CORS_ORIGINS && !DEVELOPMENT_ENVS.includes(appInfo.env)) {
    throw new Error(`[cilicl-live] CORS_ORIGINS must be set outside local and unittest (EGG_SERVER_ENV=${appInfo.env}): the origins of your H5 builds, comma-separated, or * for any`);
  }
  config.corsOrigins = corsOrigins(env.CORS_ORIGINS || '*');
  config.cors = corsOptions(config.corsOrigins);

  // Validation messages in Chinese, as the course's were.
  config.validate = {
    translate,
  };

  // egg-sequelize checks the connection at start-up; the schema itself comes from `npm run db:init`.
  config.sequelize = mysql;

  config.redis = {
    client: {
      host: env.REDIS_HOST || '127.0.0.1',
      port: intFromEnv('REDIS_PORT', 6379, 1),
      // egg-redis insists on a password key; ioredis sends no AUTH for an empty one.
      password: env.REDIS_PASSWORD || '',
      db: intFromEnv('REDIS_DB', 0),
      // Fail fast while Redis is away (README, "When MySQL or Redis is away"): a command is refused at once when
      // there is no connection rather than queued, is tried once more at most after a reconnect, and is given up
      // after a second without an answer; connecting too gives up after a second, and is tried again each second.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      commandTimeout: 1000,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    },
  };

  config.jwt = {
    secret: secret('JWT_SECRET', appInfo.env),
    // egg-jwt's own koa middleware stays off: app/middleware/auth.ts checks tokens the course's way.
    enable: false,
  };

  config.auth = {
    tokenTtl: intFromEnv('TOKEN_TTL', 7 * 24 * 3600, 1),
    login: {
      maxFailures: intFromEnv('LOGIN_MAX_FAILURES', 10, 1),
      maxAddressFailures: intFromEnv('LOGIN_MAX_ADDRESS_FAILURES', 50, 1),
      failureWindow: intFromEnv('LOGIN_FAILURE_WINDOW', 15 * 60, 1),
    },
  };

  config.cache = {
    // Named after the database too, so two deployments sharing one Redis never share a key.
    prefix: env.REDIS_KEY_PREFIX || `${appInfo.name}:${mysql.database}:`,
  };

  config.media = {
    enable: true,
    bind: env.MEDIA_BIND || '0.0.0.0',
    rtmpPort: intFromEnv('RTMP_PORT', 23480, 1),
    flvPort: intFromEnv('FLV_PORT', 23481, 1),
    publishSecret: secret('MEDIA_PUBLISH_SECRET', appInfo.env),
    playSecret: secret('MEDIA_PLAY_SECRET', appInfo.env),
    // The tutorial's: Date.now() + 100000000 ms, about 28 hours.
    signTtl: intFromEnv('MEDIA_SIGN_TTL', 100000, 1),
    publisherTimeout: intFromEnv('MEDIA_PUBLISHER_TIMEOUT', 30, 1),
    publicHost: env.PUBLIC_HOST || '',
    logLevel: mediaLogLevel(),
    // Long enough for a network hiccup (TCP retries, a Wi-Fi handover) to pass; a viewer further behind is better off
    // reconnecting at the newest keyframe. Stalled players share the queued packets: the agent holds ~10 s of the stream.
    playerMaxLag: intFromEnv('MEDIA_PLAYER_MAX_LAG', 10, 1),
    // Above the ~1000 players of a 630 kbps stream one agent keeps up with (bench/README.md, media-fanout); each is an
    // open file, so `ulimit -n` must exceed it. 50 from one address leaves room for a shared NAT (connection_limits.ts).
    maxConnections: intFromEnv('MEDIA_MAX_CONNECTIONS', 2000, 1),
    maxConnectionsPerIp: intFromEnv('MEDIA_MAX_CONNECTIONS_PER_IP', 50, 1),
  };
  checkMediaSecrets(config.media);

  config.rateLimit = {
    liveCreate: {
      limit: intFromEnv('LIVE_CREATE_RATE_LIMIT', 10, 1),
      window: intFromEnv('LIVE_CREATE_RATE_WINDOW', 3600, 1),
    },
    liveStatus: {
      limit: intFromEnv('LIVE_STATUS_RATE_LIMIT', 30, 1),
      window: intFromEnv('LIVE_STATUS_RATE_WINDOW', 60, 1),
    },
    wxpayOrder: {
      limit: intFromEnv('WXPAY_ORDER_RATE_LIMIT', 10, 1),
      window: intFromEnv('WXPAY_ORDER_RATE_WINDOW', 600, 1),
    },
    upload: {
      limit: intFromEnv('UPLOAD_RATE_LIMIT', 30, 1),
      window: intFromEnv('UPLOAD_RATE_WINDOW', 3600, 1),
    },
    register: {
      limit: intFromEnv('REGISTER_RATE_LIMIT', 20, 1),
      window: intFromEnv('REGISTER_RATE_WINDOW', 3600, 1),
    },
  };

  config.answerCache = {
    ttl: intFromEnv('ANSWER_CACHE_TTL', 5, 0),
    maxEntries: 1000,
  };

  config.realtime = {
    authRecheck: intFromEnv('SOCKET_AUTH_RECHECK', 1000, 0),
    maxPendingEvents: 32,
    maxConcurrentEvents: intFromEnv('SOCKET_EVENT_CONCURRENCY', 64, 1),
    maxLives: intFromEnv('SOCKET_MAX_LIVES', 10, 1),
    online: {
      listLimit: intFromEnv('ONLINE_LIST_LIMIT', 100, 1),
      interval: intFromEnv('ONLINE_INTERVAL', 500, 0),
      heartbeat: intFromEnv('ONLINE_HEARTBEAT', 5, 1),
      stale: intFromEnv('ONLINE_STALE', 15, 2),
    },
    gift: {
      coalesceMs: intFromEnv('GIFT_COALESCE_MS', 300, 0),
    },
    comment: {
      maxLength: intFromEnv('COMMENT_MAX_LENGTH', 200, 1),
      limit: intFromEnv('COMMENT_RATE_LIMIT', 5, 1),
      window: intFromEnv('COMMENT_RATE_WINDOW', 3, 1),
    },
  };

  const { online, gift } = config.realtime;
  // The room is told of a gift at most this late: its animation and coin total must still feel live.
  if (gift.coalesceMs > 500) throw new Error('[cilicl-live] GIFT_COALESCE_MS must be at most 500');
  // The online list is read with one HMGET of that many users, within Lua's argument limit.
  if (online.listLimit > 1000) throw new Error('[cilicl-live] ONLINE_LIST_LIMIT must be at most 1000');
  if (online.stale < 2 * online.heartbeat) {
    throw new Error('[cilicl-live] ONLINE_STALE must be at least twice ONLINE_HEARTBEAT, or live sockets would be swept between two heartbeats');
  }

  config.wxpay = wxpayConfig(env, appInfo.env);

  config.metrics = {
    token: env.METRICS_TOKEN || '',
  };

  // socket.io 2 (egg-socket.io) on the ws engine; the Redis adapter shares rooms across workers and hosts.
  config.io = {
    init: {
      wsEngine: 'ws',
      transports: socketTransports(),
      // A course packet is a few hundred bytes; a frame beyond this closes its connection (engine.io's default is 100 MB).
      maxHttpBufferSize: 64 * 1024,
    },
    namespace: {
      '/': {
        connectionMiddleware: [ 'auth', 'presence' ],
        packetMiddleware: [ 'reservedEvents', 'inOrder' ],
      },
    },
    redis: ioRedis(config.cache.prefix),
  };

  // The media server's lines and every publish / play decision, in logs/<app>/media.log.
  config.customLogger = {
    mediaLogger: { file: 'media.log', level: [ 'trace', 'debug' ].includes(config.media.logLevel) ? 'DEBUG' : 'INFO' },
  };

  return config;
};
