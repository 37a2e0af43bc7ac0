import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { AnswerCache } from '../../../app/lib/answer_cache';

describe('test/app/extend/application.test.ts', () => {
  afterEach(() => {
    app.answerCache.clear();
    mm.restore();
  });

  it('answerCache is one AnswerCache per worker', () => {
    assert(app.answerCache instanceof AnswerCache);
    assert.equal(app.answerCache, app.answerCache);
  });

  it('answerCache follows config.answerCache as it is now (ANSWER_CACHE_TTL)', async () => {
    let loads = 0;
    const load = async () => ++loads;
    mm(app.config.answerCache, 'ttl', 0);
    await app.answerCache.get('application-test', load);
    await app.answerCache.get('application-test', load);
    assert.equal(loads, 2);
    mm(app.config.answerCache, 'ttl', 60);
    await app.answerCache.get('application-test', load);
    assert.equal(await app.answerCache.get('application-test', load), 3);
  });
});
