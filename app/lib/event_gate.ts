// At most `limit` socket events of a worker run at once; the others wait their turn in arrival order. A crowd's
// events (2000 joins of one room at once) then meet MySQL and Redis a few dozen at a time: each one's queries are
// answered within their timeouts (a second, config.redis and database/config.js) instead of all of them waiting behind
// all the others' work, which once made a join burst fail with timeouts while both servers were idle. Throughput is
// the same; what changes is that an event's time is spent waiting here, before any timer of it runs.
export class EventGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  // Read at each event, so a changed config counts from the next one.
  private readonly limit: () => number;

  constructor(limit: () => number) {
    this.limit = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limit()) {
      this.running++;
    } else {
      // The finishing event hands its place over (running stays as it is).
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
