import assert from 'node:assert';
import { app, mm } from 'egg-mock/bootstrap';
import { appUrl, cheapestGift, closeClients, connect, ok, openLive, userWithCoins } from '../../socket_support';
import { labelValues, sampleOf } from '../../metrics_support';

const TOKEN = 'scrape-token-for-tests';

async function scrape(): Promise<string> {
  const res = await app.httpRequest().get('/metrics').set('Authorization', `Bearer ${TOKEN}`)
    .expect(200)
    .expect('Content-Type', /^text\/plain; version=0\.0\.4/);
  return res.text;
}

describe('test/app/controller/metrics.test.ts', () => {
  beforeEach(() => mm(app.config.metrics, 'token', TOKEN));
  afterEach(closeClients);

  it('refuses a scrape without the token, or with another one, in the course envelope', async () => {
    let res = await app.httpRequest().get('/metrics').expect(401);
    assert.deepEqual(res.body, { msg: 'fail', data: '监控指标需要正确的令牌' });
    assert.equal(res.headers['www-authenticate'], 'Bearer');
    res = await app.httpRequest().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`)
      .expect(401);
    assert.equal(res.body.data, '监控指标需要正确的令牌');
    res = await app.httpRequest().get('/metrics').set('Authorization', TOKEN)
      .expect(401);
  });

  it('refuses every scrape while METRICS_TOKEN is unset', async () => {
    mm(app.config.metrics, 'token', '');
    const res = await app.httpRequest().get('/metrics').set('Authorization', 'Bearer ')
      .expect(403);
    assert.deepEqual(res.body, { msg: 'fail', data: '未配置 METRICS_TOKEN，监控指标不开放' });
  });

  it('counts HTTP requests by the route pattern and status, with their latency', async () => {
    const route = { method: 'GET', route: '/api/live/read/:id' };
    const before = await scrape();
    await app.httpRequest().get('/api/live/read/987654321').expect(404);
    await app.httpRequest().get('/api/live/read/987654322').expect(404);
    await app.httpRequest().get('/no/such/route').expect(404);
    const after = await scrape();
    const count = (text: string, labels: Record<string, string>) => sampleOf(text, 'cilicl_http_requests_total', labels) || 0;
    assert.equal(count(after, { ...route, status: '404' }) - count(before, { ...route, status: '404' }), 2);
    assert.equal(count(after, { route: 'unmatched', status: '404' }) - count(before, { route: 'unmatched', status: '404' }), 1);
    // Never the raw URL.
    assert(!after.includes('987654321'));
    const observed = (text: string) => sampleOf(text, 'cilicl_http_request_duration_seconds_count', { ...route, status: '404' }) || 0;
    assert.equal(observed(after) - observed(before), 2);
    assert.equal(sampleOf(after, 'cilicl_http_request_duration_seconds_bucket', { ...route, status: '404', le: '+Inf' }), observed(after));
  });

  it('counts danmaku, gifts, the coins they move, sockets connected and rooms live', async () => {
    const { live } = await openLive();
    const gift = await cheapestGift();
    const viewer = await userWithCoins(gift.coin * 2);
    const before = await scrape();
    const socket = await connect(await appUrl(), { token: viewer.token });
    await ok(socket, 'joinLive', { live_id: live.id });
    await ok(socket, 'comment', { live_id: live.id, data: 'hello metrics' });
    await ok(socket, 'gift', { live_id: live.id, gift_id: gift.id });
    await ok(socket, 'gift', { live_id: live.id, gift_id: gift.id });
    const after = await scrape();
    const grew = (name: string, labels = {}) => (sampleOf(after, name, labels) || 0) - (sampleOf(before, name, labels) || 0);
    assert.equal(grew('cilicl_danmaku_total'), 1);
    assert.equal(grew('cilicl_gifts_total'), 2);
    assert.equal(grew('cilicl_coins_total', { kind: 'gift' }), 2 * gift.coin);
    assert(sampleOf(after, 'cilicl_sockets_connected') >= 1);
    assert(sampleOf(after, 'cilicl_rooms_live') >= 1);
    assert(sampleOf(after, 'cilicl_viewers_online') >= 1);
  });

  it('counts a refused gift as nothing', async () => {
    const { live } = await openLive();
    const gift = await cheapestGift();
    const poor = await userWithCoins(0);
    const before = await scrape();
    const socket = await connect(await appUrl(), { token: poor.token });
    const reply = await new Promise<{ data: { action: string } }>(resolve => socket.emit('gift', { live_id: live.id, gift_id: gift.id }, resolve));
    assert.equal(reply.data.action, 'error');
    const after = await scrape();
    assert.equal(sampleOf(after, 'cilicl_gifts_total') || 0, sampleOf(before, 'cilicl_gifts_total') || 0);
  });

  it('answers within about a second while MySQL hangs, rooms live unknown (NaN), counting the failure', async () => {
    const errors = (text: string) => sampleOf(text, 'cilicl_dependency_errors_total', { dependency: 'mysql' }) || 0;
    const before = errors(await scrape());
    // A MySQL that takes the query and never answers.
    mm(app.model.Live, 'count', () => new Promise(() => undefined));
    const started = Date.now();
    const text = await scrape();
    const took = Date.now() - started;
    assert(took >= 900 && took < 2000, `answered after ${took} ms`);
    // prom-client writes it "Nan"; Prometheus reads any case.
    assert.match(text, /^cilicl_rooms_live nan$/im);
    assert(sampleOf(text, 'cilicl_viewers_online') >= 0);
    assert.equal(errors(text) - before, 1);
  });

  it('has the process metrics of the worker and the agent, one pid each (one process here)', async () => {
    const text = await scrape();
    assert.deepEqual(labelValues(text, 'cilicl_process_cpu_user_seconds_total', 'pid'), [ String(process.pid) ]);
    assert(sampleOf(text, 'cilicl_nodejs_heap_size_used_bytes') > 0);
  });
});
