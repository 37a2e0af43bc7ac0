import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../../app/model/live';
import { registerAndLogin } from '../../../support';
import { assertNothingInline, checkPagePolicy, scriptTag } from '../../../front_support';

describe('test/app/controller/front/room.test.ts', () => {
  it('renders the room with its title as text, under the policy that allows its media origin', async () => {
    const owner = await registerAndLogin();
    const live = await app.model.Live.create({
      title: '<img src=x onerror=alert(1)>', user_id: owner.id, key: app.mockContext().randomString(20), status: LiveStatus.Live,
    });
    const res = await app.httpRequest().get(`/live/${live.id}`).set('host', '127.0.0.1')
      .expect(200);
    assert(res.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert(!res.text.includes('<img src=x'));
    assert(res.text.includes(`data-live-id="${live.id}"`));
    assert.match(res.text, scriptTag('/public/vendor/mpegts/mpegts.js'));
    assert.match(res.text, scriptTag('/public/vendor/socket.io/socket.io.js'));
    assertNothingInline(res.text);
    checkPagePolicy(res.headers['content-security-policy']);
  });

  it('answers an unknown room with the 404 page (HTML, not the envelope)', async () => {
    for (const id of [ '4294967295', '0', 'abc', '1e3', '99999999999999999999' ]) {
      const res = await app.httpRequest().get(`/live/${id}`).expect(404)
        .expect('content-type', /text\/html/);
      assert(res.text.includes('直播间不存在'), id);
    }
  });

  it('leaves the API answering in its envelope', async () => {
    const res = await app.httpRequest().get('/api/live/read/4294967295').expect(404);
    assert.deepEqual(res.body, { msg: 'fail', data: '当前直播间不存在' });
  });
});
