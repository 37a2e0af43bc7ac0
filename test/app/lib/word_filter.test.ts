import assert from 'node:assert';
import { normalizeWord, WordFilter } from '../../../app/lib/word_filter';

describe('test/app/lib/word_filter.test.ts', () => {
  it('folds case and full-width forms', () => {
    assert.equal(normalizeWord('ＡＢＣ１２３abc'), 'abc123abc');
  });

  it('answers the first listed word the text contains, as stored, or null', async () => {
    const filter = new WordFilter();
    const load = async () => [ 'Spam', '违禁' ];
    assert.equal(await filter.check('no SPAM here', load), 'Spam');
    assert.equal(await filter.check('有违 禁内容', load), '违禁');
    assert.equal(await filter.check('clean text', load), null);
  });

  it('loads the list once until forgotten, and keeps no failed load', async () => {
    const filter = new WordFilter();
    let loads = 0;
    const load = async () => {
      loads++;
      return [ `w${loads}` ];
    };
    assert.equal(await filter.check('w1', load), 'w1');
    assert.equal(await filter.check('w1', load), 'w1');
    assert.equal(loads, 1);
    filter.forget();
    assert.equal(await filter.check('w2', load), 'w2');
    const failing = async (): Promise<string[]> => {
      throw new Error('mysql away');
    };
    filter.forget();
    await assert.rejects(filter.check('x', failing), /mysql away/);
    assert.equal(await filter.check('w3', load), 'w3');
  });
});
