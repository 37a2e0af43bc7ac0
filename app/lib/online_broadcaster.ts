import { setTimeout as sleep } from 'node:timers/promises';
import { Application } from 'egg';
import { Redis } from 'ioredis';
import { liveRoom } from './socket_session';

// Tells this worker's sockets a room's online list whenever any worker changes it (service.online.channel): at most
// once per config.realtime.online.interval ms and always after the last change, so a burst of joins is told once.
export class OnlineBroadcaster {
  private readonly app: Application;
  // Rooms with a flush under way, and whether they changed since its last read.
  private readonly dirty = new Map<number, boolean>();
  private subscriber?: Redis;
  private closed = false;

  constructor(app: Application) {
    this.app = app;
  }

  async start() {
    const channel = this.app.createAnonymousContext().service.online.channel;
    // A subscribed connection can send nothing else: a connection of its own. Its subscription is queued until it is
    // connected, and made again by ioredis after every reconnect (the app's client refuses commands while offline).
    const client = this.app.redis as unknown as { duplicate(override: object): Redis };
    this.subscriber = client.duplicate({ enableOfflineQueue: true });
    this.subscriber.on('message', (_channel: string, live: string) => this.changed(Number(live)));
    this.subscriber.on('error', err => this.app.coreLogger.warn('[online] change subscription: %s', err.message));
    await this.subscriber.subscribe(channel);
  }

  close() {
    this.closed = true;
    this.subscriber?.disconnect();
  }

  private changed(liveId: number) {
    if (this.closed || !this.hasSockets(liveId)) return;
    const running = this.dirty.has(liveId);
    this.dirty.set(liveId, true);
    if (!running) this.flush(liveId);
  }

  // The first change is told at once; later ones wait for the interval, and are told together.
  private async flush(liveId: number) {
    const { interval, listLimit } = this.app.config.realtime.online;
    try {
      while (this.dirty.get(liveId) && !this.closed) {
        this.dirty.set(liveId, false);
        await this.emit(liveId, listLimit);
        await sleep(interval);
      }
    } catch (err) {
      this.app.logger.error(err);
    } finally {
      this.dirty.delete(liveId);
    }
  }

  private async emit(liveId: number, limit: number) {
    const { count, data, clients, last } = await this.app.createAnonymousContext().service.online.snapshot(liveId, limit);
    if (!last || !this.hasSockets(liveId)) return;
    // The contract's fields, with count added: data and clients are the newest `limit`, count is exact.
    this.app.io.of('/').to(liveRoom(liveId)).local.emit('online', { clients, action: last.action, user: last.user, data, count });
  }

  private hasSockets(liveId: number): boolean {
    const room = this.app.io.of('/').adapter.rooms[liveRoom(liveId)];
    return Boolean(room && room.length);
  }
}
