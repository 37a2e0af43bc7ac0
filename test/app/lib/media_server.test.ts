import assert from 'node:assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, mm } from 'egg-mock/bootstrap';
import { signStream, SignConfig } from '../../../app/common/media_sign';
import { LiveStatus } from '../../../app/model/live';
import { uniqueName } from '../../support';
import { ffmpegInstalled, freePort, playFlv, playWsFlv, publish, Publisher, stillRunningAfter, until } from '../../media_support';

// End to end, as production runs it: two sticky workers and the agent's Node-Media-Server, a real ffmpeg publisher
// and real HTTP-FLV players. The in-process app (media off) only reads the database.
describe('test/app/lib/media_server.test.ts', function() {
  this.timeout(180000);

  let cluster: ReturnType<typeof mm.cluster>;
  let api: string;
  let rtmpPort: number;
  let flvPort: number;
  let token: string;
  let signConfig: SignConfig;
  const publishers: Publisher[] = [];
  const mediaLog = path.join(process.cwd(), 'logs', 'cilicl-live', 'media.log');

  async function call(method: string, url: string, body?: unknown, auth = token) {
    const res = await fetch(api + url, {
      method,
      headers: { 'content-type': 'application/json', ...auth ? { token: auth } : {} },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as { msg: string; data: any } };
  }

  async function createRoom() {
    const res = await call('POST', '/api/live/create', { title: 'e2e room' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { data: { id: number; key: string }; sign: string; publish_url: string };
  }

  async function statusOf(id: number) {
    return (await app.model.Live.findByPk(id))?.status;
  }

  function start(url: string) {
    const publisher = publish(url);
    publishers.push(publisher);
    return publisher;
  }

  const rtmp = (key: string, sign: string) => `rtmp://127.0.0.1:${rtmpPort}/live/${key}?sign=${sign}`;
  const flv = (key: string, sign: string) => `http://127.0.0.1:${flvPort}/live/${key}.flv?sign=${sign}`;

  before(function() {
    if (ffmpegInstalled()) return;
    if (process.env.REQUIRE_FFMPEG) throw new Error('the media tests need ffmpeg on the PATH (apt-get install ffmpeg)');
    console.warn('\n  ffmpeg is not installed: the media tests are skipped (apt-get install ffmpeg to run them)\n');
    this.skip();
  });

  before(async () => {
    rtmpPort = await freePort();
    flvPort = await freePort();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    cluster = mm.cluster({
      workers: 2,
      sticky: true,
      port,
      cache: false,
      // The in-process app logs to the same folder; keep it.
      clean: false,
      opt: {
        env: { ...process.env, MEDIA_SERVER: 'on', RTMP_PORT: String(rtmpPort), FLV_PORT: String(flvPort), PUBLIC_HOST: '127.0.0.1' },
      },
    } as Parameters<typeof mm.cluster>[0]);
    await cluster.ready();
    signConfig = app.config.media;

    const username = uniqueName();
    const password = 'media-pass';
    assert.equal((await call('POST', '/api/reg', { username, password, repassword: password })).status, 200);
    token = (await call('POST', '/api/login', { username, password })).body.data.token;
  });

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map(p => p.stop()));
  });

  after(async () => {
    await cluster?.close();
  });

  it('refuses to publish with a play signature, an expired, a tampered or another room\'s signature', async () => {
    const { data: room } = await createRoom();
    const other = await createRoom();
    const { body } = await call('GET', `/api/live/read/${room.id}`);
    const valid = signStream(signConfig, 'publish', room.key);
    const attempts = {
      play: body.data.sign,
      expired: signStream(signConfig, 'publish', room.key, Date.now() - (signConfig.signTtl + 60) * 1000),
      tampered: valid.replace(/.$/, c => (c === '0' ? '1' : '0')),
      otherRoom: other.sign,
      none: '',
    };
    const running = await Promise.all(Object.values(attempts).map(sign => stillRunningAfter(start(rtmp(room.key, sign)), 8000)));
    assert.deepEqual(Object.fromEntries(Object.keys(attempts).map((name, i) => [ name, running[i] ])),
      Object.fromEntries(Object.keys(attempts).map(name => [ name, false ])));
    assert.equal(await statusOf(room.id), LiveStatus.NotStarted);
  });

  it('refuses to play without a valid play signature: missing, expired, tampered, another room\'s, or a publish one', async () => {
    const { data: room, sign: publishSign } = await createRoom();
    const other = await createRoom();
    const otherRead = await call('GET', `/api/live/read/${other.data.id}`);
    const valid = signStream(signConfig, 'play', room.key);
    const signs = [
      '',
      'garbage',
      signStream(signConfig, 'play', room.key, Date.now() - (signConfig.signTtl + 60) * 1000),
      valid.replace(/^\d/, d => String((Number(d) + 1) % 10)),
      otherRead.body.data.sign,
      publishSign,
    ];
    for (const sign of signs) {
      const res = await playFlv(flv(room.key, sign), 3000);
      assert.equal(res.status, 403, `sign ${JSON.stringify(sign)}`);
      assert.equal(res.tags.length, 0);
    }
    assert.equal((await playFlv(`http://127.0.0.1:${flvPort}/live/${room.key}.flv`, 3000)).status, 403);
  });

  it('takes the stream: the room goes live (0 -> 1) and 20 of 20 HTTP-FLV plays get a valid FLV stream with video', async () => {
    const created = await createRoom();
    const room = created.data;
    assert.equal(await statusOf(room.id), LiveStatus.NotStarted);
    const publisher = start(created.publish_url);
    await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);

    const read = await call('GET', `/api/live/read/${room.id}`);
    assert.equal(read.body.data.play_url, flv(room.key, read.body.data.sign));
    const plays = await Promise.all(Array.from({ length: 20 }, () => playFlv(read.body.data.play_url, 8000, 64 * 1024)));
    const good = plays.filter(p => p.status === 200 && p.header && p.framed && p.avcSequenceHeader && p.keyframes > 0);
    assert.equal(good.length, 20, JSON.stringify(plays.map(({ tags, ...rest }) => ({ ...rest, tags: tags.length }))));
    assert(plays.every(p => p.audioTags > 0));
    assert(await stillRunningAfter(publisher, 0));

    // WebSocket-FLV, as read answers it, and refused without a valid play signature.
    const ws = await playWsFlv(read.body.data.ws_play_url, 8000, 64 * 1024);
    assert(ws.header && ws.framed && ws.avcSequenceHeader && ws.keyframes > 0, JSON.stringify({ ...ws, tags: ws.tags.length }));
    const refused = await playWsFlv(read.body.data.ws_play_url.replace(/sign=.*/, 'sign=garbage'), 3000);
    assert.equal(refused.tags.length, 0);
    assert(refused.ended, 'the refused WebSocket was closed');
  });

  it('refuses a second publisher while the first is live; the first keeps streaming', async () => {
    const created = await createRoom();
    const room = created.data;
    const first = start(created.publish_url);
    await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);
    const second = start(created.publish_url);
    assert.equal(await stillRunningAfter(second, 8000), false);
    assert(await stillRunningAfter(first, 0));
    const read = await call('GET', `/api/live/read/${room.id}`);
    const play = await playFlv(read.body.data.play_url, 8000, 64 * 1024);
    assert(play.status === 200 && play.avcSequenceHeader && play.keyframes > 0);
  });

  it('pauses the room (1 -> 2) when the stream stops, and makes it live again when the stream comes back', async () => {
    const created = await createRoom();
    const room = created.data;
    const first = start(created.publish_url);
    await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);
    await first.stop();
    await until('the room to pause', async () => await statusOf(room.id) === LiveStatus.Paused);
    start(created.publish_url);
    await until('the room to go live again', async () => await statusOf(room.id) === LiveStatus.Live);
  });

  it('stop ends the room (3), cuts its publisher and viewers, and refuses any later publisher', async () => {
    const created = await createRoom();
    const room = created.data;
    const publisher = start(created.publish_url);
    await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);
    const read = await call('GET', `/api/live/read/${room.id}`);
    const viewer = playFlv(read.body.data.play_url, 20000, Infinity);

    await new Promise(resolve => setTimeout(resolve, 1500));
    const stopped = await call('POST', '/api/live/changestatus', { id: room.id, type: 'stop' });
    assert.deepEqual(stopped.body, { msg: 'ok', data: 'ok' });
    assert.equal(await stillRunningAfter(publisher, 5000), false);
    const watched = await viewer;
    assert(watched.ended, 'the viewer was disconnected');
    assert(watched.keyframes > 0);
    assert.equal(await statusOf(room.id), LiveStatus.Ended);

    const again = start(created.publish_url);
    assert.equal(await stillRunningAfter(again, 8000), false);
    assert.equal(await statusOf(room.id), LiveStatus.Ended);
    const after = await call('GET', `/api/live/read/${room.id}`);
    assert.equal(after.body.data.sign, null);
    const late = await playFlv(read.body.data.play_url, 3000);
    assert.equal(late.status, 403);
    assert.equal(late.tags.length, 0);
  });

  it('refuses to publish into a room that does not exist', async () => {
    const key = 'A'.repeat(20);
    const publisher = start(rtmp(key, signStream(signConfig, 'publish', key)));
    assert.equal(await stillRunningAfter(publisher, 8000), false);
  });

  it('logs every publish and play decision with the room id and the reason', async () => {
    const { data: room } = await createRoom();
    const { body } = await call('GET', `/api/live/read/${room.id}`);
    start(rtmp(room.key, body.data.sign));
    await playFlv(flv(room.key, 'garbage'), 3000);
    const expected = [
      new RegExp(`WARN .*\\[media\\] publish room=${room.id} key=${room.key} .*: refused: a play signature cannot publish`),
      new RegExp(`WARN .*\\[media\\] play room=${room.id} key=${room.key} .*: refused: malformed signature`),
      /INFO .*\[media\] publish room=\d+ key=\w{20} .*: accepted, stream started, room live/,
      /INFO .*\[media\] publish room=\d+ key=\w{20} .*: stream stopped, room paused/,
      /INFO .*\[media\] play room=\d+ key=\w{20} .*: accepted/,
      /WARN .*\[media\] publish room=\d+ key=\w{20} .*: refused: the room already has a publisher/,
      /WARN .*\[media\] publish room=\d+ key=\w{20} .*: refused: the room has ended/,
      /WARN .*\[media\] publish room=- key=A{20} .*: refused: the room does not exist/,
      /INFO .*\[media\] room=\d+ key=\w{20} ended: publisher \w+, 1 viewer\(s\) disconnected/,
    ];
    await until('the decisions in media.log', async () => {
      const log = await readFile(mediaLog, 'utf8').catch(() => '');
      return expected.every(line => line.test(log));
    }, 10000).catch(async err => {
      const log = await readFile(mediaLog, 'utf8').catch(() => '');
      throw new Error(`${err.message}; missing: ${expected.filter(line => !line.test(log)).join(' ')}`);
    });
  });
});
