import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { format } from 'node:util';
import { EggLogger } from 'egg';
import { app } from 'egg-mock/bootstrap';
import Context from 'node-media-server/src/core/context.js';
import WebSocket from 'ws';
import { signStream, SignConfig } from '../../../app/common/media_sign';
import { MediaServer } from '../../../app/lib/media_server';
import { LiveStatus } from '../../../app/model/live';
import { Cluster, stickyCluster, uniqueName } from '../../support';
import { ffmpegInstalled, publish, Publisher, stillRunningAfter } from '../../lib/ffmpeg';
import { until } from '../../lib/until';
import { freePort, RawRtmp, watchFlv } from '../../media_support';

// End to end, as production runs it: two sticky workers and the agent's Node-Media-Server, a real ffmpeg publisher
// and real HTTP-FLV players. The in-process app (media off) only reads the database.
describe('test/app/lib/media_server.test.ts', function() {
  this.timeout(180000);

  let cluster: Cluster;
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

  // Where media.log ends now: expectLogged() reads only what comes after it.
  async function logMark(): Promise<number> {
    return (await stat(mediaLog).catch(() => ({ size: 0 }))).size;
  }

  // Waits until every pattern has a line of its own in media.log after `mark` (the file logger flushes each second).
  async function expectLogged(mark: number, patterns: RegExp[]) {
    const read = async () => (await readFile(mediaLog)).subarray(mark).toString('utf8');
    await until('the decisions in media.log', async () => {
      const log = await read();
      return patterns.every(line => line.test(log));
    }, 10000).catch(async err => {
      const log = await read();
      throw new Error(`${err.message}; missing: ${patterns.filter(line => !line.test(log)).join(' ')}`);
    });
  }

  const decision = (action: string, room: { id: number | string; key: string }, outcome: string, level = 'WARN') =>
    new RegExp(`${level} .*\\[media\\] ${action} room=${room.id} key=${room.key} session=\\w+ from 127\\.0\\.0\\.1:\\d+: ${outcome}`);

  function start(url: string) {
    const publisher = publish(url);
    publishers.push(publisher);
    return publisher;
  }

  // ffmpeg publishing into the room, once the room is live.
  async function goLive(created: { data: { id: number }; publish_url: string }) {
    const publisher = start(created.publish_url);
    await until('the room to go live', async () => await statusOf(created.data.id) === LiveStatus.Live);
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
    cluster = await stickyCluster(port, {
      MEDIA_SERVER: 'on', RTMP_PORT: String(rtmpPort), FLV_PORT: String(flvPort), PUBLIC_HOST: '127.0.0.1',
      MEDIA_PUBLISHER_TIMEOUT: '3',
      // The room answers stay cached for the whole run unless a status change clears them (app/lib/answer_cache.ts).
      ANSWER_CACHE_TTL: '600',
    });
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

  it('refuses to publish with a play signature, an expired, a tampered, another room\'s or no signature', async () => {
    const { data: room } = await createRoom();
    const other = await createRoom();
    const { body } = await call('GET', `/api/live/read/${room.id}`);
    const valid = signStream(signConfig, 'publish', room.key);
    const attempts: Array<[string, string]> = [
      [ body.data.sign, 'a play signature cannot publish' ],
      [ signStream(signConfig, 'publish', room.key, Date.now() - (signConfig.signTtl + 60) * 1000), 'signature expired' ],
      [ valid.replace(/.$/, c => (c === '0' ? '1' : '0')), 'signature does not match this room' ],
      [ other.sign, 'signature does not match this room' ],
      [ '', 'no signature' ],
    ];
    const mark = await logMark();
    const running = await Promise.all(attempts.map(([ sign ]) => stillRunningAfter(start(rtmp(room.key, sign)), 8000)));
    assert.deepEqual(running, attempts.map(() => false));
    await expectLogged(mark, attempts.map(([ , reason ]) => decision('publish', room, `refused: ${reason}`)));
    assert.equal(await statusOf(room.id), LiveStatus.NotStarted);
  });

  it('refuses to play without a valid play signature: missing, expired, tampered, another room\'s, or a publish one', async () => {
    const { data: room, sign: publishSign } = await createRoom();
    const other = await createRoom();
    const otherRead = await call('GET', `/api/live/read/${other.data.id}`);
    const valid = signStream(signConfig, 'play', room.key);
    const signs: Array<[string, string]> = [
      [ '', 'no signature' ],
      [ 'garbage', 'malformed signature' ],
      [ signStream(signConfig, 'play', room.key, Date.now() - (signConfig.signTtl + 60) * 1000), 'signature expired' ],
      [ valid.replace(/^\d/, d => String((Number(d) + 1) % 10)), 'signature does not match this room' ],
      [ otherRead.body.data.sign, 'signature does not match this room' ],
      [ publishSign, 'signature does not match this room' ],
    ];
    const mark = await logMark();
    for (const [ sign ] of signs) {
      const res = await watchFlv(flv(room.key, sign), 3000);
      assert.equal(res.status, 403, `sign ${JSON.stringify(sign)}`);
      assert.equal(res.tags.length, 0);
    }
    // Over RTMP and WebSocket-FLV too: the connection is closed.
    const rtmpPlayer = await RawRtmp.connect(rtmpPort);
    rtmpPlayer.play(`${room.key}?sign=garbage`);
    await rtmpPlayer.closed;
    await expectLogged(mark, [
      ...signs.map(([ , reason ]) => decision('play', room, `refused: ${reason}`)),
      decision('play', room, 'refused: malformed signature'),
    ]);
  });

  it('takes the stream: the room goes live (0 -> 1) and 20 of 20 HTTP-FLV plays get a valid FLV stream with video', async () => {
    const created = await createRoom();
    const room = created.data;
    assert.equal(await statusOf(room.id), LiveStatus.NotStarted);
    const mark = await logMark();
    const publisher = await goLive(created);
    await expectLogged(mark, [ decision('publish', room, 'accepted, stream started, room live', 'INFO') ]);

    const read = await call('GET', `/api/live/read/${room.id}`);
    assert.equal(read.body.data.play_url, flv(room.key, read.body.data.sign));
    const plays = await Promise.all(Array.from({ length: 20 }, () => watchFlv(read.body.data.play_url, 8000, 64 * 1024)));
    const good = plays.filter(p => p.status === 200 && p.header && p.framed && p.avcSequenceHeader && p.keyframes > 0);
    assert.equal(good.length, 20, JSON.stringify(plays.map(({ tags, data, ...rest }) => ({ ...rest, tags: tags.length, bytes: data.length }))));
    assert(plays.every(p => p.audioTags > 0));
    assert(await stillRunningAfter(publisher, 0));
    // Node-Media-Server's store (./data) and recordings (./record) stay closed: nothing is written into the tree.
    assert(!existsSync(path.join(process.cwd(), 'data')) && !existsSync(path.join(process.cwd(), 'record')));

    // WebSocket-FLV, as read answers it, and refused without a valid play signature.
    const ws = await watchFlv(read.body.data.ws_play_url, 8000, 64 * 1024);
    assert(ws.header && ws.framed && ws.avcSequenceHeader && ws.keyframes > 0, JSON.stringify({ ...ws, tags: ws.tags.length, data: ws.data.length }));
    const refused = await watchFlv(read.body.data.ws_play_url.replace(/sign=.*/, 'sign=garbage'), 3000);
    assert.equal(refused.tags.length, 0);
    assert(refused.ended, 'the refused WebSocket was closed');
    await expectLogged(mark, [ decision('play', room, 'accepted', 'INFO') ]);
  });

  it('refuses a second publisher while the first is live; the first keeps streaming', async () => {
    const created = await createRoom();
    const room = created.data;
    const first = await goLive(created);
    const mark = await logMark();
    const second = start(created.publish_url);
    assert.equal(await stillRunningAfter(second, 8000), false);
    await expectLogged(mark, [ decision('publish', room, 'refused: the room already has a publisher') ]);
    assert(await stillRunningAfter(first, 0));
    const read = await call('GET', `/api/live/read/${room.id}`);
    const play = await watchFlv(read.body.data.play_url, 8000, 64 * 1024);
    assert(play.status === 200 && play.avcSequenceHeader && play.keyframes > 0);
  });

  it('pauses the room (1 -> 2) when the stream stops, and makes it live again when the stream comes back', async () => {
    const created = await createRoom();
    const room = created.data;
    // read answers the status the agent wrote: its message clears the workers' cached answers.
    const readStatus = async () => (await call('GET', `/api/live/read/${room.id}`)).body.data.data.status;
    assert.equal(await readStatus(), LiveStatus.NotStarted);
    const first = await goLive(created);
    await until('read to answer live', async () => await readStatus() === LiveStatus.Live, 2000);
    const mark = await logMark();
    await first.stop();
    await until('the room to pause', async () => await statusOf(room.id) === LiveStatus.Paused);
    await until('read to answer paused', async () => await readStatus() === LiveStatus.Paused, 2000);
    await expectLogged(mark, [ decision('publish', room, 'stream stopped, room paused', 'INFO') ]);
    await goLive(created);
    await until('read to answer live again', async () => await readStatus() === LiveStatus.Live, 2000);
  });

  it('stop ends the room (3), cuts its publisher and viewers, and refuses any later publisher', async () => {
    const created = await createRoom();
    const room = created.data;
    const publisher = await goLive(created);
    const read = await call('GET', `/api/live/read/${room.id}`);
    const viewer = watchFlv(read.body.data.play_url, 20000, Infinity);

    await sleep(1500);
    const mark = await logMark();
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
    const late = await watchFlv(read.body.data.play_url, 3000);
    assert.equal(late.status, 403);
    await expectLogged(mark, [
      new RegExp(`INFO .*\\[media\\] room=${room.id} key=${room.key} ended: publisher \\w+, 1 viewer\\(s\\) disconnected`),
      decision('publish', room, 'refused: the room has ended'),
      decision('play', room, 'refused: the room has ended'),
    ]);
  });

  it('refuses to publish into a room that does not exist', async () => {
    const key = randomBytes(10).toString('hex');
    const mark = await logMark();
    const publisher = start(rtmp(key, signStream(signConfig, 'publish', key)));
    assert.equal(await stillRunningAfter(publisher, 8000), false);
    await expectLogged(mark, [ decision('publish', { id: '-', key }, 'refused: the room does not exist') ]);
  });

  it('keeps a connection to one stream: publishing one room and then playing another is cut, and injects nothing', async () => {
    const own = await createRoom();
    const victim = await createRoom();
    const broadcaster = await goLive(victim);
    const read = await call('GET', `/api/live/read/${victim.data.id}`);
    const viewer = watchFlv(read.body.data.play_url, 6000, Infinity);

    const mark = await logMark();
    const marker = Buffer.from('injected-by-another-room');
    const attacker = await RawRtmp.connect(rtmpPort);
    attacker.publish(`${own.data.key}?sign=${own.sign}`);
    attacker.play(`${victim.data.key}?sign=${read.body.data.sign}`);
    for (let i = 0; i < 20; i++) attacker.sendVideo(marker);
    await attacker.closed;
    // A player sends nothing into a stream either.
    const player = await RawRtmp.connect(rtmpPort);
    player.play(`${victim.data.key}?sign=${read.body.data.sign}`);
    for (let i = 0; i < 20; i++) player.sendVideo(marker);

    const watched = await viewer;
    player.socket.destroy();
    assert(watched.keyframes > 0, 'the viewer kept getting the broadcaster\'s stream');
    assert(!watched.data.includes(marker), 'a viewer received injected data');
    // Nor did the injected frames reach the cache a new viewer starts from.
    const late = await watchFlv(read.body.data.play_url, 3000, Infinity);
    assert(late.keyframes > 0);
    assert(!late.data.includes(marker), 'a new viewer received injected data');
    assert(await stillRunningAfter(broadcaster, 0));
    assert.equal(await statusOf(own.data.id), LiveStatus.NotStarted);
    await expectLogged(mark, [ decision('play', victim.data, 'refused: one stream per connection') ]);
  });

  it('cuts a broadcaster that goes silent (MEDIA_PUBLISHER_TIMEOUT), pauses the room and lets the next one in', async () => {
    const created = await createRoom();
    const room = created.data;
    const silent = await RawRtmp.connect(rtmpPort);
    silent.publish(`${room.key}?sign=${created.sign}`);
    silent.sendVideo(Buffer.from('one frame, then nothing'));
    await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);
    const started = Date.now();
    await silent.closed;
    const waited = Date.now() - started;
    assert(waited > 1500 && waited < 6000, `cut after ${waited} ms`);
    await until('the room to pause', async () => await statusOf(room.id) === LiveStatus.Paused);
    await goLive(created);
  });

  it('disconnects an RTMP connection that asks for no stream within 10 seconds, even one that keeps talking', async () => {
    const idle = await RawRtmp.connect(rtmpPort);
    const talking = await RawRtmp.connect(rtmpPort);
    const chatter = setInterval(() => talking.sendWindowAck(), 1000);
    const started = Date.now();
    try {
      await Promise.all([ idle.closed, talking.closed ]);
    } finally {
      clearInterval(chatter);
    }
    const waited = Date.now() - started;
    assert(waited > 8000 && waited < 13000, `closed after ${waited} ms`);
  });

  it('ends a connection whose message headers claim more buffer memory than its budget', async () => {
    const greedy = await RawRtmp.connect(rtmpPort);
    const started = Date.now();
    for (let csid = 10; csid < 60; csid++) greedy.sendClaim(csid, 0xffffff);
    await greedy.closed;
    const waited = Date.now() - started;
    assert(waited < 3000, `ended after ${waited} ms (the 10 s deadline would have ended it anyway)`);
  });

  it('leaves nothing behind from two play commands sent in one write', async () => {
    const first = await createRoom();
    const second = await createRoom();
    const client = await RawRtmp.connect(rtmpPort);
    client.socket.write(Buffer.concat([
      RawRtmp.playMessage(`${first.data.key}?sign=garbage`),
      RawRtmp.playMessage(`${second.data.key}?sign=garbage`),
    ]));
    await client.closed;
    await sleep(200);
    const mark = await logMark();
    await call('POST', '/api/live/changestatus', { id: first.data.id, type: 'stop' });
    // The refused player was let go by the first room's stream when its connection closed: no dead viewer is left.
    await expectLogged(mark, [
      new RegExp(`INFO .*\\[media\\] room=${first.data.id} key=${first.data.key} ended: publisher none, 0 viewer\\(s\\) disconnected`),
    ]);
  });

  it('answers nothing on the HTTP-FLV port but room streams: no admin, no API, no other path, no FLV publishing', async () => {
    const { data: room } = await createRoom();
    const base = `http://127.0.0.1:${flvPort}`;
    for (const [ method, url ] of [
      [ 'GET', '/admin/' ], [ 'GET', '/api/v1/info' ], [ 'GET', '/' ], [ 'GET', '/live/a%20b.flv' ],
      [ 'GET', `/other/${room.key}.flv` ], [ 'POST', `/live/${room.key}.flv?sign=x` ],
    ]) {
      const res = await fetch(base + url, { method });
      assert.equal(res.status, 404, `${method} ${url}`);
      await res.arrayBuffer();
    }
    const ws = await watchFlv(`ws://127.0.0.1:${flvPort}/live/a%20b.flv`, 3000);
    assert(ws.ended && ws.tags.length === 0);
  });


  // A media server of this process's own, to read Node-Media-Server's maps and every line it logs.
  describe('in the test process', () => {
    let server: MediaServer;
    let ports: { rtmpPort: number; flvPort: number };
    const lines: string[] = [];
    const logger = Object.fromEntries([ 'debug', 'info', 'warn', 'error' ].map(level =>
      [ level, (...args: unknown[]) => lines.push(`${level.toUpperCase()} ${format(...args)}`) ])) as unknown as EggLogger;
    // The lines about one client, by its port (read while it is connected).
    const linesOf = (port?: number) => lines.filter(line => line.includes(`127.0.0.1:${port}:`));

    before(async () => {
      ports = { rtmpPort: await freePort(), flvPort: await freePort() };
      server = new MediaServer({ ...app.config.media, enable: true, bind: '127.0.0.1', ...ports }, logger);
      await server.start();
    });

    after(async () => {
      await server?.stop();
    });

    // Runs `count` attempts, `parallel` at a time.
    async function attempts(count: number, parallel: number, attempt: (i: number) => Promise<unknown>) {
      let next = 0;
      await Promise.all(Array.from({ length: parallel }, async () => {
        while (next < count) await attempt(next++);
      }));
    }

    it('keeps no stream entry of refused WebSocket publishers, refused RTMP sessions or players of a stream with no publisher', async () => {
      const ws = (protocol?: string) => new Promise<number>(resolve => {
        const socket = new WebSocket(`ws://127.0.0.1:${ports.flvPort}/live/${randomBytes(10).toString('hex')}.flv`, protocol);
        socket.on('error', () => undefined);
        socket.on('close', resolve);
      });
      const rtmp = async (command: 'publish' | 'play', sign: string) => {
        const client = await RawRtmp.connect(ports.rtmpPort);
        client[command](`${randomBytes(10).toString('hex')}?sign=${sign}`);
        await client.closed;
      };
      const baseline = Context.broadcasts.size;
      const started = Date.now();
      await attempts(3000, 50, async i => ws(i % 2 ? 'publisher' : 'post'));
      const publishers = Date.now() - started;
      const afterPublishers = Context.broadcasts.size;
      // RTMP publishers without a signature and players with a bad one, refused at once; WebSocket players with a
      // valid play signature of a room that does not exist, refused after the lookup.
      await attempts(300, 20, async i => rtmp(i % 2 ? 'publish' : 'play', 'garbage'));
      await attempts(300, 20, async () => {
        const key = randomBytes(10).toString('hex');
        await watchFlv(`ws://127.0.0.1:${ports.flvPort}/live/${key}.flv?sign=${signStream(signConfig, 'play', key)}`, 3000);
      });
      // Players of a room that exists and has no publisher, until they leave.
      const { data: room } = await createRoom();
      const plays = await Promise.all(Array.from({ length: 20 }, () =>
        watchFlv(`http://127.0.0.1:${ports.flvPort}/live/${room.key}.flv?sign=${signStream(signConfig, 'play', room.key)}`, 1000)));
      assert(plays.every(play => play.status === 200 && !play.ended), 'the players waited for a stream');
      await until('every session to close', () => Context.sessions.size === 0, 5000);
      console.log('      3000 WebSocket publishers in %d ms: stream entries %d before, %d after; %d after everything',
        publishers, baseline, afterPublishers, Context.broadcasts.size);
      assert.equal(afterPublishers, baseline);
      assert.equal(Context.broadcasts.size, baseline);
    });

    it('disconnects a connection whose RTMP message breaks the parser, logs it once, and goes on serving', async () => {
      const created = await createRoom();
      const room = created.data;
      const malformed: Array<[string, (client: RawRtmp) => void]> = [
        [ 'a connect without tcUrl', client => client.command(0, [ 'connect', 1, { app: 'live' }]) ],
        [ 'a publish without a name', client => client.command(1, [ 'publish', 0, null ]) ],
        [ 'a play without a name', client => client.command(1, [ 'play', 0, null ]) ],
        // Node-Media-Server reads an empty message once the next bytes arrive.
        [ 'a zero-length chunk size', client => {
          client.send(7, 1, 0, Buffer.alloc(0));
          client.sendWindowAck();
        } ],
        [ 'a chunk size of 0', client => client.send(2, 1, 0, Buffer.alloc(4)) ],
      ];
      for (const [ what, send ] of malformed) {
        const client = what.includes('connect') ? await RawRtmp.handshake(ports.rtmpPort) : await RawRtmp.connect(ports.rtmpPort);
        const port = client.socket.localPort;
        const started = Date.now();
        send(client);
        const outcome = await Promise.race([ client.closed.then(() => 'closed'), sleep(3000, 'open') ]);
        assert.equal(outcome, 'closed', `${what}: still connected after ${Date.now() - started} ms`);
        // Sent again, it would be logged again if the connection lived on.
        send(client);
        await sleep(100);
        // Only this connection's parser lines: a refusal of an earlier test may have come from the same port.
        const logged = linesOf(port).filter(line => / malformed message, /.test(line));
        assert.equal(logged.length, 1, `${what}: ${JSON.stringify(linesOf(port))}`);
        assert.match(logged[0], /^WARN \[media\] RTMP from 127\.0\.0\.1:\d+: malformed message, disconnected: \S/);
      }
      // A real broadcaster and viewer afterwards.
      publishers.push(publish(`rtmp://127.0.0.1:${ports.rtmpPort}/live/${room.key}?sign=${created.sign}`));
      await until('the room to go live', async () => await statusOf(room.id) === LiveStatus.Live);
      const play = await watchFlv(`http://127.0.0.1:${ports.flvPort}/live/${room.key}.flv?sign=${signStream(signConfig, 'play', room.key)}`, 8000, 64 * 1024);
      assert(play.status === 200 && play.avcSequenceHeader && play.keyframes > 0);
    });

    it('reads no media message of a connection that is not an accepted publisher', async () => {
      const { data: room } = await createRoom();
      const undecided = await RawRtmp.connect(ports.rtmpPort);
      const player = await RawRtmp.connect(ports.rtmpPort);
      const mark = lines.length;
      player.play(`${room.key}?sign=${signStream(signConfig, 'play', room.key)}`);
      // Keyframes, and data messages of a command Node-Media-Server does not know (it logs an error for each).
      for (const client of [ undecided, player ]) {
        for (let i = 0; i < 20; i++) {
          client.sendVideo(Buffer.from('not a stream'));
          client.send(5, 18, 1, Buffer.from([ 0x02, 0x00, 0x01, 0x78 ]));
        }
      }
      await sleep(1000);
      assert(!undecided.socket.destroyed && !player.socket.destroyed, 'the connections were kept');
      const logged = lines.slice(mark);
      assert.deepEqual(logged.filter(line => !line.includes(`127.0.0.1:${player.socket.localPort}: accepted`)), []);
      undecided.socket.destroy();
      player.socket.destroy();
    });
  });
});
