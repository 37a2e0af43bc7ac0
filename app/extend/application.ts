import { Application } from 'egg';
import { AnswerCache } from '../lib/answer_cache';
import { InFlight } from '../lib/in_flight';
import { WordFilter } from '../lib/word_filter';

const ANSWER_CACHE = Symbol('Application#answerCache');
const IN_FLIGHT = Symbol('Application#inFlight');
const WORD_FILTER = Symbol('Application#wordFilter');

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

  // This worker's copy of the forbidden words (app/lib/word_filter.ts, app/service/word.ts).
  get wordFilter(): WordFilter {
    const app = this as unknown as Application & { [WORD_FILTER]?: WordFilter };
    if (!app[WORD_FILTER]) app[WORD_FILTER] = new WordFilter();
    return app[WORD_FILTER];
  },
};
