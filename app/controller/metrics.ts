import { createHash, timingSafeEqual } from 'node:crypto';
import { Context, Controller } from 'egg';
import { Gauge } from 'prom-client';
import { METRICS_SNAPSHOT } from '../common/ops_messages';
import { dependencyErrors, exposition, MetricsSnapshot, processMetrics, roomsLive, viewersOnline } from '../lib/metrics';
import { ask } from '../lib/process_ask';
import { within } from '../lib/time_limit';
import { LiveStatus } from '../model/live';

// Milliseconds the other processes have to send their metrics (a process that misses it is left out of this
// scrape), and MySQL and Redis to count rooms and viewers.
const GATHER_TIMEOUT = 1000;

const digest = (value: string) => createHash('sha256').update(value).digest();

// The scraper's `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN nobody may scrape: a reverse proxy on
// the same host makes every request look local, so the peer's address proves nothing.
function authorize(ctx: Context, token: string): void {
  if (!token) ctx.throw(403, '未配置 METRICS_TOKEN，监控指标不开放');
  const [ scheme, given ] = ctx.get('authorization').split(' ');
  // Hashes of equal length, so the comparison takes the same time whatever was sent.
  if (scheme !== 'Bearer' || !given || !timingSafeEqual(digest(given), digest(token))) {
    ctx.set('WWW-Authenticate', 'Bearer');
    ctx.throw(401, '监控指标需要正确的令牌');
  }
}

export default class MetricsController extends Controller {
  // GET /metrics: Prometheus's text format, every worker's and the agent's figures added up, plus the host-wide ones.
  async index() {
    const { ctx, app } = this;
    authorize(ctx, app.config.metrics.token);
    const workers = (app as unknown as { options: { workers?: number } }).options.workers || 1;
    // First, so a failure to read them is counted in this very scrape.
    await this.readShared();
    const snapshots = await ask<MetricsSnapshot>(app.messenger, METRICS_SNAPSHOT, [ 'app', 'agent' ], workers + 1, GATHER_TIMEOUT);
    ctx.set('Content-Type', processMetrics.contentType);
    ctx.body = await exposition(snapshots);
  }

  // Rooms live (one COUNT) and viewers online (one ZCARD per room with viewers); NaN when their store is away or
  // slow, so a scrape answers within about GATHER_TIMEOUT whatever is down.
  private async readShared() {
    const { app, service } = this;
    const read = (gauge: Gauge, dependency: string, work: Promise<number>) => within(work, GATHER_TIMEOUT, dependency)
      .then(value => gauge.set(value), () => {
        // Unknown, not zero: an alert on "no rooms live" must not fire because MySQL is away.
        gauge.set(NaN);
        dependencyErrors.inc({ dependency });
      });
    await Promise.all([
      read(roomsLive, 'mysql', app.model.Live.count({ where: { status: LiveStatus.Live } })),
      read(viewersOnline, 'redis', service.online.viewers()),
    ]);
  }
}
