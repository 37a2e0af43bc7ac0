import { Agent, IBoot } from 'egg';
import { MEDIA_CUT, MediaCut } from './app/common/media_messages';
import { LIVE_CHANGED, LiveChanged } from './app/lib/answer_cache';
import { MediaServer } from './app/lib/media_server';
import { MEDIA_STATUS, MEDIA_STREAMS, MediaStatus, MediaStreams, METRICS_SNAPSHOT } from './app/common/ops_messages';
import { processMetrics, readers } from './app/lib/metrics';
import { answer } from './app/lib/process_ask';

// The agent is the one process per host: the media server lives here, so every worker's viewers see the same streams.
export default class AgentBootHook implements IBoot {
  private readonly agent: Agent;
  private media?: MediaServer;

  constructor(agent: Agent) {
    this.agent = agent;
  }

  async didLoad() {
    const { media } = this.agent.config;
    // /readyz and /metrics ask the agent too (app/controller/health.ts, metrics.ts).
    const onError = (err: Error) => this.agent.logger.error(err);
    answer<MediaStatus>(this.agent.messenger, MEDIA_STATUS,
      () => ({ enabled: media.enable, up: Boolean(this.media?.listening()) }), onError);
    answer(this.agent.messenger, METRICS_SNAPSHOT, () => processMetrics.getMetricsAsJSON(), onError);
    // The console's dashboard (app/service/dashboard.ts).
    answer<MediaStreams>(this.agent.messenger, MEDIA_STREAMS,
      () => this.media?.streams() ?? { enabled: media.enable, publishers: 0, players: 0, streams: [] }, onError);
    if (!media.enable) return;
    // A room gone live or paused: the workers' cached answers about it are out of date.
    const server = new MediaServer(media, this.agent.getLogger('mediaLogger'),
      id => this.agent.messenger.sendToApp(LIVE_CHANGED, { id } satisfies LiveChanged));
    try {
      await server.start();
    } catch (err) {
      await server.stop();
      throw err;
    }
    this.media = server;
    readers.media = () => server.metrics();
    this.agent.messenger.on(MEDIA_CUT, ({ key, id }: MediaCut) => server.cutRoom(key, id));
  }

  async beforeClose() {
    await this.media?.stop();
  }
}
