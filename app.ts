import { Application, IBoot } from 'egg';
import { answerKeys, GIFTS_CHANGED, LIVE_CHANGED, LiveChanged } from './app/lib/answer_cache';
import { EngineServer, refuseForeignUpgrades } from './app/lib/engine_guard';
import { OnlineBroadcaster } from './app/lib/online_broadcaster';
import { ModerationListener } from './app/lib/moderation_listener';
import { WORDS_CHANGED } from './app/common/moderation';
import { METRICS_SNAPSHOT } from './app/common/ops_messages';
import { countDependencyError, processMetrics, readers } from './app/lib/metrics';
import { answer } from './app/lib/process_ask';
import { installServiceLoader } from './app/lib/service_loader';

// Milliseconds a stopping worker waits for its socket events and requests under way: within egg-cluster's 5 s
// (EGG_APP_CLOSE_TIMEOUT) before it kills the worker.
const DRAIN_TIMEOUT = 3500;

export default class AppBootHook implements IBoot {
  private readonly app: Application;
  private readonly onlineBroadcaster: OnlineBroadcaster;
  private readonly moderationListener: ModerationListener;

  constructor(app: Application) {
    this.app = app;
    this.onlineBroadcaster = new OnlineBroadcaster(app);
    this.moderationListener = new ModerationListener(app);
  }

  configWillLoad() {
    // Right inside egg's notfound, so body parsing errors and unknown routes answer in the course envelope too.
    const { coreMiddleware } = this.app.config;
    coreMiddleware.splice(coreMiddleware.indexOf('notfound') + 1, 0, 'errorHandler');
    // Outside both, so it sees the status sent (app/middleware/http_metrics.ts).
    coreMiddleware.splice(coreMiddleware.indexOf('notfound'), 0, 'httpMetrics');
  }

  configDidLoad() {
    // Right after egg-socket.io's 'server' listener (added in its own configDidLoad, a plugin's: earlier), which
    // makes the engine; and before egg-mock emits 'server', which it does before didLoad.
    this.app.on('server', () => refuseForeignUpgrades(this.engine));
  }

  async didLoad() {
    // The services are loaded: ctx.service from here on is app/lib/service_loader.ts's, one small object a request.
    installServiceLoader(this.app);
    // From a worker (create, changestatus) or the agent (a stream started or stopped): that room's answers go.
    this.app.messenger.on(LIVE_CHANGED, ({ id }: LiveChanged) => this.app.answerCache.forgetRoom(id));
    // From the worker where a manager changed a gift (app/service/gift.ts).
    this.app.messenger.on(GIFTS_CHANGED, () => this.app.answerCache.forget(answerKeys.gifts));
    // The console changed the word filter: this worker reads the list again at its next check.
    this.app.messenger.on(WORDS_CHANGED, () => this.app.wordFilter.forget());
    // GET /metrics in whichever worker asks adds this one's figures up with the others' (app/controller/metrics.ts).
    answer(this.app.messenger, METRICS_SNAPSHOT, () => processMetrics.getMetricsAsJSON(), err => this.app.logger.error(err));
    readers.sockets = () => this.engine.clientsCount;
    this.app.redis.on('error', countDependencyError);
    // Which pages may call the API is a deployment decision: said at every start.
    this.app.logger.info('[cilicl-live] CORS allows the origins %s', this.app.config.corsOrigins.join(', '));
  }

  // socket.io's engine.io server, as engine_guard.ts types it.
  private get engine(): EngineServer {
    return this.app.io.engine as unknown as EngineServer;
  }

  // Before the app is ready (and before egg-cluster emits 'server'), so no socket joins a room unheard.
  async willReady() {
    await this.onlineBroadcaster.start();
    // Kicks and bans from any worker reach this one's sockets (app/lib/moderation_listener.ts).
    await this.moderationListener.start();
  }

  // Run first among the close hooks (Egg runs them last-registered first), while MySQL and Redis are still open.
  async beforeClose() {
    // New socket events are refused from now on; those under way finish and are answered.
    const left = await this.app.inFlight.drain(DRAIN_TIMEOUT);
    if (left) this.app.logger.warn('[cilicl-live] shutting down with %d socket event(s) or request(s) unfinished', left);
    // Paid gifts still being counted are told now, through the adapter's Redis, before it closes.
    this.app.giftCoalescer.flushAll();
    // Every connection closed at its transport: socket.io-client 2 reconnects after that (to another worker or host),
    // but not after a server-sent disconnect (reason 'io server disconnect'), which socket.disconnect(true) would be.
    this.engine.close();
    this.onlineBroadcaster.close();
    this.moderationListener.close();
  }
}
