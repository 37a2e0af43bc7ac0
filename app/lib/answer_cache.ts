// The messenger message that tells every worker a room was created or changed status (LiveChanged names it).
export const LIVE_CHANGED = 'live-changed';
export interface LiveChanged { id: number }
// The messenger message that tells every worker the gift catalogue changed (the console): its cached answer goes.
export const GIFTS_CHANGED = 'gifts-changed';

// The keys of the room answers, built here only: what a room's change makes stale is decided in one place.
const LIST_PREFIX = 'list_';
export const answerKeys = {
  list: (page: number, status?: number) => `${LIST_PREFIX}${page}_${status ?? ''}`,
  read: (id: number) => `read_${id}`,
  status: (id: number) => `status_${id}`,
  gifts: 'gifts',
};

// A room's GET /api/live/read/:id reply as made for one second and one host (its play signature and URLs), or null
// for a room that does not exist.
export interface KeptReply { second: number; host: string; body: Buffer | null }

// The most asked public answers (list pages, room reads, room status, the gift catalogue), kept per worker for `ttl`
// seconds; LIVE_CHANGED drops a changed room's answers and the list pages on every worker of the host at once.
export class AnswerCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  // Each room's last read reply, by room id: a read asked again within its second touches this small record only, not
  // the room's answer (over 200 rooms, 4% of a read's CPU: bench/README.md).
  private readonly replies = new Map<number, KeptReply>();
  // Counts forgetRoom() and clear() calls: a reply made from an answer that was dropped meanwhile is not kept.
  private forgotten = 0;
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

  // Room `id`'s reply kept for this second and host, else undefined (always, while ttl is 0).
  reply(id: number, second: number, host: string): Buffer | null | undefined {
    if (this.config.ttl === 0) return undefined;
    const kept = this.replies.get(id);
    return kept !== undefined && kept.second === second && kept.host === host ? kept.body : undefined;
  }

  // What replyGeneration() answered before the reply's answer was asked for, so that a room forgotten meanwhile keeps
  // no reply made of its old answer.
  replyGeneration(): number {
    return this.forgotten;
  }

  keepReply(id: number, reply: KeptReply, generation: number): void {
    if (this.config.ttl === 0 || generation !== this.forgotten) return;
    if (!this.replies.has(id) && this.replies.size >= this.config.maxEntries) {
      // The first kept goes: every room's record is replaced in place each second it is read.
      for (const oldest of this.replies.keys()) {
        this.replies.delete(oldest);
        break;
      }
    }
    this.replies.set(id, reply);
  }

  // One answer goes (the gift catalogue once the console changed it).
  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.replies.clear();
    this.forgotten++;
  }

  // Room `id` was created or changed status: its read and status go, and every list page (any may show it, or should);
  // other rooms' answers stay. A new room's own keys may hold the "does not exist" of a request made before it was.
  forgetRoom(id: number): void {
    this.entries.delete(answerKeys.read(id));
    this.entries.delete(answerKeys.status(id));
    this.replies.delete(id);
    this.forgotten++;
    for (const key of this.entries.keys()) {
      if (key.startsWith(LIST_PREFIX)) this.entries.delete(key);
    }
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
