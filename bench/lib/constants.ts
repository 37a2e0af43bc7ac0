import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

// The bench's own database, Redis prefix and secrets: a run never touches the app's or the tests' data.
export const BENCH_DATABASE = process.env.BENCH_MYSQL_DATABASE || 'cilicl_live_bench';
export const BENCH_PREFIX = `cilicl-live-bench:${BENCH_DATABASE}:`;
// At least 32 characters each: the app refuses shorter ones outside local and unittest (config/secrets.ts).
export const BENCH_SECRETS = {
  EGG_KEYS: 'bench-cookie-keys-0123456789abcdef',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef',
  MEDIA_PUBLISH_SECRET: 'bench-publish-secret-0123456789abcdef',
  MEDIA_PLAY_SECRET: 'bench-play-secret-0123456789abcdef',
};

// Ports of the servers a scenario starts: the project and its bare baseline run side by side.
const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 17100);
export const PORTS = {
  app: PORT_BASE + 1,
  rtmp: PORT_BASE + 35,
  flv: PORT_BASE + 80,
  bare: PORT_BASE + 101,
  bareRtmp: PORT_BASE + 135,
  bareFlv: PORT_BASE + 180,
};
