import { setTimeout as sleep } from 'node:timers/promises';

// The work a worker has under way (socket events, HTTP requests): on shutdown it is let finish before Egg closes
// MySQL and Redis, so no gift or payment is cut between its transaction and its answer.
export class InFlight {
  private running = 0;
  private idle: Array<() => void> = [];
  // Set by drain(): new socket events are refused from then on.
  closing = false;

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  // A piece of work begins; leave() must follow it, in a finally (track() does both around a function).
  enter(): void {
    this.running++;
  }

  leave(): void {
    this.running--;
    if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  get size(): number {
    return this.running;
  }

  // Resolves once nothing runs, or after `timeout` ms; answers how much was still running.
  async drain(timeout: number): Promise<number> {
    this.closing = true;
    if (this.running > 0) {
      await Promise.race([ new Promise<void>(resolve => this.idle.push(resolve)), sleep(timeout, undefined, { ref: false }) ]);
    }
    return this.running;
  }
}
