import assert from 'node:assert';
import { MediaCluster } from '../../media_cluster';
import { ffmpegInstalled } from '../../lib/ffmpeg';
import { until } from '../../lib/until';
import { watchFlv } from '../../media_support';
import { sampleOf } from '../../metrics_support';

const TOKEN = 'media-scrape-token';

// The agent's real media server seen through /readyz and /metrics (the agent answers over Egg's messenger).
describe('test/app/lib/media_stats.test.ts', function() {
  this.timeout(180000);
  const media = new MediaCluster();

  before(function() {
    if (!ffmpegInstalled()) this.skip();
  });
  before(() => media.start({ METRICS_TOKEN: TOKEN }));
  after(() => media.close());

  async function scrape(): Promise<string> {
    const res = await fetch(`${media.api}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    return res.text();
  }

  it('is up in /readyz while the media server listens', async () => {
    const res = await fetch(`${media.api}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { msg: 'ok', data: { mysql: 'up', redis: 'up', media: 'up' } });
  });

  it('counts publishers, players and the bytes sent to players', async () => {
    const room = await media.liveRoom();
    let text = await scrape();
    assert.equal(sampleOf(text, 'cilicl_media_publishers'), 1);
    assert.equal(sampleOf(text, 'cilicl_media_players'), 0);
    const sentBefore = sampleOf(text, 'cilicl_media_player_sent_bytes_total');
    const playing = watchFlv(room.playUrl, 4000);
    await until('the player to be counted', async () => sampleOf(await scrape(), 'cilicl_media_players') === 1, 10000);
    const played = await playing;
    assert(played.bytes > 0, 'the player received the stream');
    await until('the player to be gone', async () => {
      text = await scrape();
      return sampleOf(text, 'cilicl_media_players') === 0;
    }, 10000);
    // What the player read, and what was still under way in its socket when it closed.
    assert(sampleOf(text, 'cilicl_media_player_sent_bytes_total') - sentBefore >= played.bytes,
      `${sampleOf(text, 'cilicl_media_player_sent_bytes_total') - sentBefore} bytes counted, ${played.bytes} received`);
    await media.stopPublishers();
    // As soon as its connection closes (Node-Media-Server would keep its broadcast 30 s for a resume).
    await until('the publisher to be gone', async () => sampleOf(await scrape(), 'cilicl_media_publishers') === 0, 5000);
  });
});
