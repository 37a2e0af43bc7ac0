import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { assertNothingInline, checkPagePolicy, scriptTag } from '../../../front_support';

describe('test/app/controller/front/studio.test.ts', () => {
  it('renders the studio page under the pages\' policy', async () => {
    const res = await app.httpRequest().get('/studio').set('host', '127.0.0.1')
      .expect(200)
      .expect('content-type', /text\/html/);
    assert.match(res.text, scriptTag('/public/front/studio.mjs'));
    assertNothingInline(res.text);
    assert(res.text.includes('id="publish-url"'));
    checkPagePolicy(res.headers['content-security-policy']);
  });
});
