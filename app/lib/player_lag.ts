import { ServerResponse } from 'node:http';
import { EggLogger } from 'egg';
import Context from 'node-media-server/src/core/context.js';
import { BaseSession } from 'node-media-server/src/session/base_session.js';
import type WebSocket from 'ws';
import { cutPlayer } from './player_cut';

// Node-Media-Server writes every packet to every player without waiting for it to be read, so a player that stops
// reading makes the agent hold the stream for it (the kernel's socket buffer takes only the first megabytes).
// Here a player is cut once the bytes queued for it exceed what its stream brought in the last maxLag seconds: its
// oldest unsent byte is then more than maxLag seconds old.

// A low-bitrate stream's last seconds can be smaller than one keyframe of it: below this, a backlog is never a lag.
const MIN_BACKLOG = 1024 * 1024;
// Checks run at least every second; each may let a stalled player grow by one tick of its stream.
const MAX_TICK = 1000;

// What the agent has handed a player (NMS's outBytes), and when.
interface Sample {
  at: number;
  sent: number;
}

// Bytes queued in the agent for a player, the way its transport counts them.
export function unsentBytes(session: BaseSession): number {
  if (session.protocol === 'rtmp') return session.socket.writableLength;
  if ('terminate' in session.res) return (session.res as unknown as WebSocket).bufferedAmount;
  // The socket's queue, plus what the response holds itself while it waits behind another one on its connection.
  return (session.res as ServerResponse).writableLength;
}

export class PlayerLagWatch {
  private readonly maxLag: number;
  private readonly logger: EggLogger;
  private readonly samples = new WeakMap<BaseSession, Sample[]>();
  private timer?: NodeJS.Timeout;

  // maxLag in seconds (config.media.playerMaxLag).
  constructor(maxLag: number, logger: EggLogger) {
    this.maxLag = maxLag * 1000;
    this.logger = logger;
  }

  start(): void {
    this.timer = setInterval(() => this.check(), Math.min(MAX_TICK, this.maxLag / 4));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    for (const broadcast of Context.broadcasts.values()) {
      for (const player of broadcast.subscribers.values()) this.checkPlayer(player, now);
    }
  }

  private checkPlayer(player: BaseSession, now: number): void {
    let samples = this.samples.get(player);
    if (!samples) {
      samples = [];
      this.samples.set(player, samples);
    }
    samples.push({ at: now, sent: player.outBytes });
    // Keep the newest sample at least maxLag old: what was sent since then is the stream's last maxLag seconds.
    while (samples.length > 1 && samples[1].at <= now - this.maxLag) samples.shift();
    // A player younger than maxLag is measured against all it was sent, which its backlog never exceeds.
    const since = samples[0].at <= now - this.maxLag ? samples[0].sent : 0;
    const unsent = unsentBytes(player);
    if (unsent > Math.max(player.outBytes - since, MIN_BACKLOG)) {
      cutPlayer(player, this.logger, `${Math.round(unsent / 1024)} KB unsent, more than ${this.maxLag / 1000} s of its stream`);
    }
  }
}
