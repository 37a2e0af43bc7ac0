// The messenger message that clears every worker's cache: a room was created or changed status.
export const LIVE_CHANGED = 'live-changed';

// The most asked public answers (list pages, room reads, room status, the gift catalogue), kept per worker for `ttl`
// seconds; LIVE_CHANGED clears them on every worker of the host, so only counters and other hosts' changes lag.
export class AnswerCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  // config.answerCache, read at each use.
  private readonly config: { ttl: number; maxEntries: number };

  constructor(config: { ttl: number; maxEntries: number }) {
    this.config = config;
  }

  // The cached answer, else load()'s, shared by every request that asks before it is settled; a failure is not kept.
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const ttlMs = this.config.ttl * 1000;
    if (ttlMs === 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    this.entries.delete(key);
    this.makeRoom(now);
    const value = load();
    this.entries.set(key, { expires: now + ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  // Bounded, whatever pages or rooms clients ask for. Every entry lives the same ttl and is inserted anew when loaded,
  // so the map's order is expiry order: the expired go from the front, then the oldest, at no scan.
  private makeRoom(now: number): void {
    for (const [ key, entry ] of this.entries) {
      if (entry.expires > now && this.entries.size < this.config.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
