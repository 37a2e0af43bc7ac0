import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import { dependencyDown } from '../common/dependency_error';
import { broadcastWrites } from './framed_broadcast';

// Prometheus metrics. Each process (app worker, agent) counts into its own `processMetrics`; the worker that answers
// /metrics gathers every process's over Egg's messenger and adds them up (prom-client's cluster.js speaks Node's
// cluster messages, which do not reach Egg's agent). One registry per process, even where egg-mock runs app and agent
// in one: the answers are then told apart by pid.
export const processMetrics = new Registry();

// Node's own (CPU, memory, event loop lag, handles) per process: the pid label keeps the processes apart when added up.
collectDefaultMetrics({ register: processMetrics, prefix: 'cilicl_', labels: { pid: String(process.pid) } });

const registers = [ processMetrics ];

// The router's path pattern (never the raw URL, whose ids would make a series each), the method, the status.
export const httpDuration = new Histogram({
  name: 'cilicl_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern and status',
  labelNames: [ 'method', 'route', 'status' ] as const, registers,
  buckets: [ 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 ],
});
// The histogram's own counts, set from them when scraped: a request pays for one label hash, not two.
const HTTP_COUNT = 'cilicl_http_request_duration_seconds_count';
new Counter({
  name: 'cilicl_http_requests_total', help: 'HTTP requests answered, by route pattern and status',
  labelNames: [ 'method', 'route', 'status' ] as const, registers,
  async collect() {
    const { values } = await httpDuration.get();
    this.reset();
    for (const { metricName, labels, value } of values) if (metricName === HTTP_COUNT) this.inc(labels, value);
  },
});

export const danmaku = new Counter({ name: 'cilicl_danmaku_total', help: 'Comments stored and sent to their room', registers });
export const gifts = new Counter({ name: 'cilicl_gifts_total', help: 'Gifts paid and sent to their room', registers });
// kind: gift (spent on a gift), recharge (credited by a paid order), adjust (added or removed in the console).
export const coins = new Counter({ name: 'cilicl_coins_total', help: 'Coins moved, by kind', labelNames: [ 'kind' ] as const, registers });
export const ordersPaid = new Counter({ name: 'cilicl_orders_paid_total', help: 'WeChat Pay orders credited', registers });
// dependency: mysql, redis, media.
export const dependencyErrors = new Counter({
  name: 'cilicl_dependency_errors_total', help: 'Failures of a dependency seen by the app (errors, failed readiness checks)',
  labelNames: [ 'dependency' ] as const, registers,
});

// Read when scraped, from what the process registered (app.ts: its sockets; agent.ts: its media server).
export const readers: {
  sockets?: () => number;
  media?: () => { publishers: number; players: number; playerBytes: number };
} = {};

new Gauge({
  name: 'cilicl_sockets_connected', help: 'socket.io clients connected', registers,
  collect() {
    if (readers.sockets) this.set(readers.sockets());
  },
});
new Gauge({
  name: 'cilicl_media_publishers', help: 'Streams being published to the media server', registers,
  collect() {
    if (readers.media) this.set(readers.media().publishers);
  },
});
new Gauge({
  name: 'cilicl_media_players', help: 'Players attached to the media server (HTTP-FLV, WebSocket-FLV, RTMP)', registers,
  collect() {
    if (readers.media) this.set(readers.media().players);
  },
});
let playerBytesSeen = 0;
new Counter({
  name: 'cilicl_media_player_sent_bytes_total', help: 'Bytes the media server sent to players', registers,
  collect() {
    if (!readers.media) return;
    const { playerBytes } = readers.media();
    if (playerBytes > playerBytesSeen) this.inc(playerBytes - playerBytesSeen);
    playerBytesSeen = Math.max(playerBytesSeen, playerBytes);
  },
});

// path: framed (the room's frame written as it is, app/lib/framed_broadcast.ts), engine (through engine.io and ws).
// Counted there in plain numbers (a label hash per delivery would cost the fan-out), set from them when scraped.
new Counter({
  name: 'cilicl_socket_broadcast_writes_total', help: 'Room broadcasts handed to a socket, by the path they took',
  labelNames: [ 'path' ] as const, registers,
  collect() {
    this.reset();
    for (const path of [ 'framed', 'engine' ] as const) this.inc({ path }, broadcastWrites[path]);
  },
});

// Host-wide figures, read from MySQL and Redis by the answering worker alone (every worker would count the same rooms).
export const sharedMetrics = new Registry();
export const roomsLive = new Gauge({ name: 'cilicl_rooms_live', help: 'Rooms whose status is live', registers: [ sharedMetrics ] });
export const viewersOnline = new Gauge({
  name: 'cilicl_viewers_online', help: 'Users in the rooms\' online lists, summed over rooms', registers: [ sharedMetrics ],
});

export type MetricsSnapshot = Array<MetricObjectWithValues<MetricValue<string>>>;

// The text Prometheus reads: every process's snapshot added up (one per pid), then the host-wide figures.
export async function exposition(snapshots: Array<{ pid: number; value: MetricsSnapshot }>): Promise<string> {
  const byPid = new Map(snapshots.map(({ pid, value }) => [ pid, value ]));
  const added = AggregatorRegistry.aggregate<typeof processMetrics.contentType>([ ...byPid.values() ]);
  return Registry.merge([ added, sharedMetrics ]).metrics();
}

// Which dependency an error comes from, if any: Sequelize's errors (name Sequelize*), ioredis's (its classes, or a
// closed connection); null for the app's own.
// Which dependency an error says is out of reach (app/common/dependency_error.ts decides that), or null.
export function dependencyOf(err: unknown): 'mysql' | 'redis' | null {
  if (!dependencyDown(err)) return null;
  // Sequelize names its errors, and wraps mysql2's in them (parent); what is left came from a Redis client.
  const { name = '' } = err as Error;
  return name.startsWith('Sequelize') || (err as { parent?: unknown }).parent ? 'mysql' : 'redis';
}

export function countDependencyError(err: unknown): void {
  const dependency = dependencyOf(err);
  if (dependency) dependencyErrors.inc({ dependency });
}
