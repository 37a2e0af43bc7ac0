// The `gift` event as the course client reads it: it adds gift_coin * num to the room's coins it shows.
export interface GiftEvent {
  avatar: string;
  username: string;
  gift_image: string;
  gift_name: string;
  gift_coin: number;
  num: number;
}

// What the room sees of a gift, num aside: a run is one event only while all of it is shown alike.
const sameShown = (a: GiftEvent, b: GiftEvent) => a.avatar === b.avatar && a.username === b.username &&
  a.gift_image === b.gift_image && a.gift_name === b.gift_name && a.gift_coin === b.gift_coin;

type Emit = (liveId: number, event: GiftEvent) => void;

interface Open {
  liveId: number;
  giftId: number;
  event: GiftEvent;
  timer: NodeJS.Timeout;
}

// A sender's consecutive gifts of one kind to one room, paid within `windowMs()` ms of the first, are told to the room
// as one `gift` event with num = how many: a popular room hears a few events per sender per second, not one per gift,
// and every paid gift is counted exactly once. Each worker coalesces the gifts its own sockets paid; the event then
// goes to every worker's viewers through the socket.io adapter as before. A window of 0 tells each gift at once.
export class GiftCoalescer {
  private readonly windowMs: () => number;
  private readonly emit: Emit;
  // Per room and sender: the event being counted.
  private readonly open = new Map<string, Open>();

  constructor(windowMs: () => number, emit: Emit) {
    this.windowMs = windowMs;
    this.emit = emit;
  }

  // One paid gift (num 1, or more).
  add(liveId: number, senderId: number, giftId: number, event: GiftEvent): void {
    const key = `${liveId}:${senderId}`;
    const current = this.open.get(key);
    if (current && current.giftId === giftId && sameShown(current.event, event)) {
      current.event.num += event.num;
      return;
    }
    // Another gift (or the sender's name or avatar changed meanwhile): what was counted is told first, in order.
    if (current) this.flush(key);
    const windowMs = this.windowMs();
    if (windowMs <= 0) {
      this.emit(liveId, event);
      return;
    }
    this.open.set(key, { liveId, giftId, event: { ...event }, timer: setTimeout(() => this.flush(key), windowMs) });
  }

  // Tells everything counted so far (on shutdown, while Redis is still open).
  flushAll(): void {
    for (const key of [ ...this.open.keys() ]) this.flush(key);
  }

  // Events being counted.
  get size(): number {
    return this.open.size;
  }

  private flush(key: string): void {
    const open = this.open.get(key);
    if (!open) return;
    this.open.delete(key);
    clearTimeout(open.timer);
    this.emit(open.liveId, open.event);
  }
}
