import { Application } from 'egg';
import { AnswerCache } from '../lib/answer_cache';

const ANSWER_CACHE = Symbol('Application#answerCache');

export default {
  // This worker's cache of public room answers (app/lib/answer_cache.ts).
  get answerCache(): AnswerCache {
    const app = this as unknown as Application & { [ANSWER_CACHE]?: AnswerCache };
    if (!app[ANSWER_CACHE]) app[ANSWER_CACHE] = new AnswerCache(app.config.answerCache);
    return app[ANSWER_CACHE];
  },
};
