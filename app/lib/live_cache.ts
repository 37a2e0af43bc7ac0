// The messenger message that clears every worker's cache: a room was created or changed status.
export const LIVE_CHANGED = 'live-changed';

// The public answers about rooms (list pages, a room read), kept by each worker for a few seconds: the lobby is the
// most read page and changes mostly in its counters. A room created, or whose status changes (changestatus, a stream
// starting or stopping), clears every worker's cache at once (app.ts, 'live-changed'); look_count and coin may be up
// to `ttl` seconds old.
export class LiveCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  // config.liveCache, read at each use.
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

  // Bounded, whatever pages clients ask for: the expired go first, then the oldest.
  private makeRoom(now: number): void {
    const { maxEntries } = this.config;
    if (this.entries.size < maxEntries) return;
    for (const [ key, entry ] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < maxEntries) break;
      this.entries.delete(key);
    }
  }
}
