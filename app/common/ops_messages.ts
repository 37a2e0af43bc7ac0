// Messenger questions the /readyz and /metrics workers ask the other processes (app/lib/process_ask.ts).
// The agent answers whether its media server listens: MediaStatus.
export const MEDIA_STATUS = 'ops-media-status';
export interface MediaStatus {
  // false when config.media.enable is off: nothing to ask about.
  enabled: boolean;
  up: boolean;
}
// Every worker and the agent answer their prom-client registry's getMetricsAsJSON().
export const METRICS_SNAPSHOT = 'ops-metrics-snapshot';
// The agent answers what its media server carries now (the console's dashboard): MediaStreams.
export const MEDIA_STREAMS = 'ops-media-streams';
export interface StreamFigures {
  key: string;
  // The publisher's address, seconds since it started, and the average bitrate it sent, in kbit/s.
  publisher: string;
  uptime: number;
  bitrate: number;
  players: number;
}
export interface MediaStreams {
  enabled: boolean;
  publishers: number;
  players: number;
  streams: StreamFigures[];
}
