import { Application, IBoot } from 'egg';

export default class AppBootHook implements IBoot {
  private readonly app: Application;

  constructor(app: Application) {
    this.app = app;
  }

  configWillLoad() {
    // Right inside egg's notfound, so body parsing errors and unknown routes answer in the course envelope too.
    const { coreMiddleware } = this.app.config;
    coreMiddleware.splice(coreMiddleware.indexOf('notfound') + 1, 0, 'errorHandler');
  }
}
