import { Application, IBoot } from 'egg';
import { LIVE_CHANGED, LiveChanged } from './app/lib/answer_cache';
import { EngineServer, refuseForeignUpgrades } from './app/lib/engine_guard';
import { OnlineBroadcaster } from './app/lib/online_broadcaster';

export default class AppBootHook implements IBoot {
  private readonly app: Application;
  private readonly onlineBroadcaster: OnlineBroadcaster;

  constructor(app: Application) {
    this.app = app;
    this.onlineBroadcaster = new OnlineBroadcaster(app);
  }

  configWillLoad() {
    // Right inside egg's notfound, so body parsing errors and unknown routes answer in the course envelope too.
    const { coreMiddleware } = this.app.config;
    coreMiddleware.splice(coreMiddleware.indexOf('notfound') + 1, 0, 'errorHandler');
  }

  configDidLoad() {
    // Right after egg-socket.io's 'server' listener (added in its own configDidLoad, a plugin's: earlier), which
    // makes the engine; and before egg-mock emits 'server', which it does before didLoad.
    this.app.on('server', () => refuseForeignUpgrades(this.app.io.engine as unknown as EngineServer));
  }

  async didLoad() {
    // From a worker (create, changestatus) or the agent (a stream started or stopped): that room's answers go.
    this.app.messenger.on(LIVE_CHANGED, ({ id }: LiveChanged) => this.app.answerCache.forgetRoom(id));
    // Which pages may call the API is a deployment decision: said at every start.
    this.app.logger.info('[cilicl-live] CORS allows the origins %s', this.app.config.corsOrigins.join(', '));
  }

  // Before the app is ready (and before egg-cluster emits 'server'), so no socket joins a room unheard.
  async willReady() {
    await this.onlineBroadcaster.start();
  }

  async beforeClose() {
    this.onlineBroadcaster.close();
  }
}
