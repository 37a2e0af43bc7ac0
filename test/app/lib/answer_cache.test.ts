import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnswerCache, answerKeys } from '../../../app/lib/answer_cache';

describe('test/app/lib/answer_cache.test.ts', () => {
  const counter = () => {
    let loads = 0;
    return { load: async () => ++loads, get loads() { return loads; } };
  };

  it('keeps an answer for ttl seconds, then loads it again', async () => {
    const config = { ttl: 0.05, maxEntries: 10 };
    const cache = new AnswerCache(config);
    const source = counter();
    assert.equal(await cache.get('a', source.load), 1);
    assert.equal(await cache.get('a', source.load), 1);
    await sleep(60);
    assert.equal(await cache.get('a', source.load), 2);
  });

  it('loads once for requests that ask at the same moment', async () => {
    const cache = new AnswerCache({ ttl: 60, maxEntries: 10 });
    const source = counter();
    assert.deepEqual(await Promise.all([ 1, 2, 3 ].map(() => cache.get('a', source.load))), [ 1, 1, 1 ]);
    assert.equal(source.loads, 1);
  });

  it('keeps no failure: the next request loads again', async () => {
    const cache = new AnswerCache({ ttl: 60, maxEntries: 10 });
    await assert.rejects(cache.get('a', async () => { throw new Error('database down'); }), /database down/);
    assert.equal(await cache.get('a', async () => 'back'), 'back');
  });

  it('holds at most maxEntries answers, dropping the oldest, whatever keys are asked for', async () => {
    const cache = new AnswerCache({ ttl: 60, maxEntries: 3 });
    for (let page = 1; page <= 50; page++) await cache.get(`list_${page}`, async () => page);
    const source = counter();
    // The three newest are kept; an old one is loaded again.
    assert.equal(await cache.get('list_50', source.load), 50);
    assert.equal(await cache.get('list_48', source.load), 48);
    assert.equal(await cache.get('list_1', source.load), 1);
    assert.equal(source.loads, 1);
  });

  it('with ttl 0 keeps nothing, and clear() drops everything', async () => {
    const config = { ttl: 0, maxEntries: 10 };
    const cache = new AnswerCache(config);
    const source = counter();
    await cache.get('a', source.load);
    await cache.get('a', source.load);
    assert.equal(source.loads, 2);
    config.ttl = 60;
    await cache.get('a', source.load);
    cache.clear();
    assert.equal(await cache.get('a', source.load), 4);
  });

  it('forgets one room: its read and status and every list page go, other rooms\' answers and the gifts stay', async () => {
    const cache = new AnswerCache({ ttl: 60, maxEntries: 100 });
    const keys = [
      answerKeys.read(7), answerKeys.status(7), answerKeys.read(8), answerKeys.status(8), answerKeys.read(70),
      answerKeys.list(1), answerKeys.list(2, 1), answerKeys.list(1, 3), 'gifts',
    ];
    for (const key of keys) await cache.get(key, async () => 'old');
    cache.forgetRoom(7);
    const now = await Promise.all(keys.map(key => cache.get(key, async () => 'new')));
    assert.deepEqual(Object.fromEntries(keys.map((key, i) => [ key, now[i] ])), {
      read_7: 'new', status_7: 'new', read_8: 'old', status_8: 'old', read_70: 'old',
      list_1_: 'new', list_2_1: 'new', list_1_3: 'new', gifts: 'old',
    });
  });

  describe('read replies', () => {
    const body = (text: string) => Buffer.from(text);

    it('keeps a room\'s reply for its second and host only, and none while ttl is 0', () => {
      const config = { ttl: 60, maxEntries: 10 };
      const cache = new AnswerCache(config);
      cache.keepReply(7, { second: 100, host: 'a.example', body: body('seven') }, cache.replyGeneration());
      cache.keepReply(8, { second: 100, host: 'a.example', body: null }, cache.replyGeneration());
      assert.equal(String(cache.reply(7, 100, 'a.example')), 'seven');
      assert.equal(cache.reply(8, 100, 'a.example'), null);
      assert.equal(cache.reply(7, 101, 'a.example'), undefined);
      assert.equal(cache.reply(7, 100, 'b.example'), undefined);
      assert.equal(cache.reply(9, 100, 'a.example'), undefined);
      config.ttl = 0;
      assert.equal(cache.reply(7, 100, 'a.example'), undefined);
      cache.keepReply(9, { second: 100, host: 'a.example', body: body('nine') }, cache.replyGeneration());
      config.ttl = 60;
      assert.equal(cache.reply(9, 100, 'a.example'), undefined);
    });

    it('drops a forgotten room\'s reply, keeps no reply made while a room was forgotten, and clear() drops them all', () => {
      const cache = new AnswerCache({ ttl: 60, maxEntries: 10 });
      for (const id of [ 7, 8 ]) cache.keepReply(id, { second: 100, host: 'a', body: body(`old ${id}`) }, cache.replyGeneration());
      cache.forgetRoom(7);
      assert.equal(cache.reply(7, 100, 'a'), undefined);
      assert.equal(String(cache.reply(8, 100, 'a')), 'old 8');

      // A reply whose answer was asked for before the room changed is not kept: it was made of the old answer.
      const asked = cache.replyGeneration();
      cache.forgetRoom(7);
      cache.keepReply(7, { second: 100, host: 'a', body: body('stale') }, asked);
      assert.equal(cache.reply(7, 100, 'a'), undefined);
      cache.keepReply(7, { second: 100, host: 'a', body: body('new') }, cache.replyGeneration());
      assert.equal(String(cache.reply(7, 100, 'a')), 'new');

      cache.clear();
      assert.equal(cache.reply(7, 100, 'a'), undefined);
      assert.equal(cache.reply(8, 100, 'a'), undefined);
    });

    it('holds at most maxEntries rooms\' replies, the first kept going first', () => {
      const cache = new AnswerCache({ ttl: 60, maxEntries: 3 });
      for (let id = 1; id <= 50; id++) cache.keepReply(id, { second: 100, host: 'a', body: body(String(id)) }, cache.replyGeneration());
      assert.deepEqual([ 1, 47, 48, 49, 50 ].map(id => cache.reply(id, 100, 'a')?.toString()), [ undefined, undefined, '48', '49', '50' ]);
    });
  });
});
