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
