import { Application } from 'egg';
import { AnswerCache } from '../lib/answer_cache';
import { EventGate } from '../lib/event_gate';
import { InFlight } from '../lib/in_flight';
import { WordFilter } from '../lib/word_filter';
import { GiftCoalescer } from '../lib/gift_coalescer';
import { liveRoom } from '../lib/socket_session';

const ANSWER_CACHE = Symbol('Application#answerCache');
const IN_FLIGHT = Symbol('Application#inFlight');
const EVENT_GATE = Symbol('Application#eventGate');
const WORD_FILTER = Symbol('Application#wordFilter');
const GIFT_COALESCER = Symbol('Application#giftCoalescer');

export default {
  // This worker's cache of public room answers (app/lib/answer_cache.ts).
  get answerCache(): AnswerCache {
    const app = this as unknown as Application & { [ANSWER_CACHE]?: AnswerCache };
    if (!app[ANSWER_CACHE]) app[ANSWER_CACHE] = new AnswerCache(app.config.answerCache);
    return app[ANSWER_CACHE];
  },

  // This worker's socket events and HTTP requests under way, let finish on shutdown (app/lib/in_flight.ts).
  get inFlight(): InFlight {
    const app = this as unknown as Application & { [IN_FLIGHT]?: InFlight };
    if (!app[IN_FLIGHT]) app[IN_FLIGHT] = new InFlight();
    return app[IN_FLIGHT];
  },

  // How many of this worker's socket events run at once (app/lib/event_gate.ts, config.realtime.maxConcurrentEvents).
  get eventGate(): EventGate {
    const app = this as unknown as Application & { [EVENT_GATE]?: EventGate };
    if (!app[EVENT_GATE]) app[EVENT_GATE] = new EventGate(() => app.config.realtime.maxConcurrentEvents);
    return app[EVENT_GATE];
  },

  // This worker's copy of the forbidden words (app/lib/word_filter.ts, app/service/word.ts).
  get wordFilter(): WordFilter {
    const app = this as unknown as Application & { [WORD_FILTER]?: WordFilter };
    if (!app[WORD_FILTER]) app[WORD_FILTER] = new WordFilter();
    return app[WORD_FILTER];
  },

  // This worker's paid gifts on their way to their rooms, a sender's run of one gift told as one event
  // (app/lib/gift_coalescer.ts); the window is read at each gift (config.realtime.gift.coalesceMs).
  get giftCoalescer(): GiftCoalescer {
    const app = this as unknown as Application & { [GIFT_COALESCER]?: GiftCoalescer };
    if (!app[GIFT_COALESCER]) {
      app[GIFT_COALESCER] = new GiftCoalescer(() => app.config.realtime.gift.coalesceMs, (liveId, event) => {
        try {
          app.io.of('/').to(liveRoom(liveId)).emit('gift', event);
        } catch (err) {
          app.logger.error(err);
        }
      });
    }
    return app[GIFT_COALESCER];
  },
};
