import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { LiveStatus } from '../../../../app/model/live';
import { registerAndLogin } from '../../../support';
import { assertNothingInline, checkPagePolicy, scriptTag } from '../../../front_support';

describe('test/app/controller/front/home.test.ts', () => {
  it('shows live rooms first, then paused and upcoming ones, never ended ones, with titles as text', async () => {
    const owner = await registerAndLogin();
    const title = (name: string) => `<b>${name}</b>${owner.id}`;
    const make = (name: string, status: LiveStatus) =>
      app.model.Live.create({ title: title(name), user_id: owner.id, key: app.mockContext().randomString(20), status });
    await make('upcoming', LiveStatus.NotStarted);
    await make('ended', LiveStatus.Ended);
    await make('live', LiveStatus.Live);
    await make('paused', LiveStatus.Paused);
    const res = await app.httpRequest().get('/').set('host', '127.0.0.1')
      .expect(200)
      .expect('content-type', /text\/html/);
    checkPagePolicy(res.headers['content-security-policy']);
    assert.match(res.text, scriptTag('/public/front/home.mjs'));
    assertNothingInline(res.text);
    // Every page in turn (other tests' rooms are there too): each card's status and title as the HTML has them.
    const cards: Array<{ status: number; title: string }> = [];
    for (let page = 1; ; page++) {
      const html: string = (await app.httpRequest().get(`/?page=${page}`).expect(200)).text;
      for (const [ , status, title ] of html.matchAll(/badge status-(\d)"[\s\S]*?class="room-title">([^<]*)</g)) {
        cards.push({ status: Number(status), title });
      }
      if (!html.includes(`href="/?page=${page + 1}"`)) break;
    }
    const rank = [ LiveStatus.Live, LiveStatus.Paused, LiveStatus.NotStarted ];
    const ranks = cards.map(card => rank.indexOf(card.status));
    assert(!ranks.includes(-1), 'no ended room');
    assert.deepEqual(ranks, [ ...ranks ].sort(), 'live rooms first, then paused, then upcoming');
    const at = (name: string) => cards.findIndex(card => card.title === `&lt;b&gt;${name}&lt;/b&gt;${owner.id}`);
    assert.equal(at('ended'), -1);
    assert(at('live') >= 0 && at('paused') > at('live') && at('upcoming') > at('paused'));
  });

  it('answers a page past the last one with the empty lobby, and a bad page number as the first', async () => {
    const far = await app.httpRequest().get('/?page=99999').expect(200);
    assert(far.text.includes('这一页没有直播间了'));
    await app.httpRequest().get('/?page=abc').expect(200);
  });

  it('serves the browser libraries from their npm packages', async () => {
    const mpegts = await app.httpRequest().get('/public/vendor/mpegts/mpegts.js').expect(200);
    assert(/javascript/.test(mpegts.headers['content-type']));
    assert(mpegts.text.includes('mpegts'));
    const client = await app.httpRequest().get('/public/vendor/socket.io/socket.io.js').expect(200);
    // The client of socket.io 2, as the server speaks.
    assert.match(client.text, /Socket\.IO v2\./);
    // Module scripts run only when served with a JavaScript type.
    await app.httpRequest().get('/public/front/room.mjs').expect(200)
      .expect('content-type', /javascript/);
    await app.httpRequest().get('/public/front/front.css').expect(200);
  });
});
