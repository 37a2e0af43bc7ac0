import { Controller } from 'egg';
import { readiness } from '../lib/readiness';

// For load balancers and orchestrators: no auth, and nothing beyond up / down.
export default class HealthController extends Controller {
  // GET /healthz: the process answers; no dependency is asked (a restart would not bring MySQL back).
  async healthz() {
    this.ctx.apiSuccess('ok');
  }

  // GET /readyz: 200 when MySQL, Redis and the media server answer, else 503 naming the one that does not; 503 too
  // while the worker shuts down, so the balancer stops sending before it goes.
  async readyz() {
    const { ctx, app } = this;
    const states = await readiness(app);
    const ready = !app.inFlight.closing && !Object.values(states).includes('down');
    if (ready) ctx.apiSuccess(states);
    else ctx.apiFail({ ...states, ...app.inFlight.closing ? { closing: true } : {} }, 'fail', 503);
  }
}
