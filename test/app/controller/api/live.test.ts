import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
import { QueryTypes } from 'sequelize';
import { checkStreamSign, streamPath } from '../../../../app/common/media_sign';
import { LiveStatus } from '../../../../app/model/live';
import { registerAndLogin } from '../../../support';

type Login = Awaited<ReturnType<typeof registerAndLogin>>;

describe('test/app/controller/api/live.test.ts', () => {
  let owner: Login;
  let stranger: Login;

  before(async () => {
    owner = await registerAndLogin();
    stranger = await registerAndLogin();
  });

  afterEach(() => mm.restore());

  function create(body: object, token = owner.token) {
    return app.httpRequest().post('/api/live/create').set('token', token)
      .send(body);
  }

  async function createRoom(title = '测试直播间') {
    const res = await create({ title }).expect(200);
    return res.body.data.data as { id: number; key: string; status: number };
  }

  function changeStatus(body: object, token = owner.token) {
    return app.httpRequest().post('/api/live/changestatus').set('token', token)
      .send(body);
  }

  async function statusOf(id: number) {
    return (await app.model.Live.findByPk(id))?.status;
  }

  describe('POST /api/live/create', () => {
    it('creates a room owned by the caller and answers it with the publish signature and URLs', async () => {
      const res = await create({ title: '测试直播间', cover: '/static/cover.png' }).expect(200);
      assert.equal(res.body.msg, 'ok');
      const { data: live, sign, publish_url, obs } = res.body.data;
      assert.equal(live.title, '测试直播间');
      assert.equal(live.cover, '/static/cover.png');
      assert.equal(live.user_id, owner.id);
      assert.equal(live.status, LiveStatus.NotStarted);
      assert.equal(live.look_count, 0);
      assert.equal(live.coin, 0);
      assert.match(live.key, /^[0-9a-zA-Z]{20}$/);
      assert.match(live.created_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

      const media = app.config.media;
      assert.match(sign, /^\d{10}-[0-9a-f]{32}$/);
      assert.equal(checkStreamSign(media, 'publish', streamPath(live.key), sign), null);
      assert.equal(checkStreamSign(media, 'play', streamPath(live.key), sign), 'signature does not match this room');
      const expires = Number(sign.split('-')[0]);
      assert(Math.abs(expires - (Math.floor(Date.now() / 1000) + media.signTtl)) <= 2);

      assert.equal(publish_url, `rtmp://127.0.0.1:${media.rtmpPort}/live/${live.key}?sign=${sign}`);
      assert.deepEqual(obs, { server: `rtmp://127.0.0.1:${media.rtmpPort}/live`, stream_key: `${live.key}?sign=${sign}` });

      const row = await app.model.Live.findByPk(live.id);
      assert.equal(row?.key, live.key);
    });

    it('takes a null or missing cover as none', async () => {
      for (const body of [{ title: 'a', cover: null }, { title: 'b' }, { title: 'c', cover: '' }]) {
        const res = await create(body).expect(200);
        assert.equal(res.body.data.data.cover, '', JSON.stringify(body));
      }
    });

    it('gives every room its own key', async () => {
      const keys = await Promise.all(Array.from({ length: 5 }, async () => (await createRoom()).key));
      assert.equal(new Set(keys).size, 5);
    });

    it('writes PUBLIC_HOST into the URLs when it is set, else the request\'s host', async () => {
      mm(app.config.media, 'publicHost', 'live.example.com');
      const res = await create({ title: 'a' }).expect(200);
      assert(res.body.data.publish_url.startsWith(`rtmp://live.example.com:${app.config.media.rtmpPort}/live/`));
      mm.restore();
      const local = await create({ title: 'b' }).set('host', 'media.test:7001').expect(200);
      assert(local.body.data.obs.server.startsWith('rtmp://media.test:'));
    });

    it('needs a logged-in user', async () => {
      const res = await app.httpRequest().post('/api/live/create').send({ title: 'x' })
        .expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
    });

    it('lets a user create config.rateLimit.liveCreate.limit rooms per window, then answers 429 and creates nothing until it passes', async () => {
      mm(app.config.rateLimit.liveCreate, 'limit', 2);
      mm(app.config.rateLimit.liveCreate, 'window', 1);
      const user = await registerAndLogin();
      await create({ title: 'a' }, user.token).expect(200);
      await create({ title: 'b' }, user.token).expect(200);
      const before = await app.model.Live.count({ where: { user_id: user.id } });
      const refused = await create({ title: 'c' }, user.token).expect(429);
      assert.deepEqual(refused.body, { msg: 'fail', data: '创建直播间太频繁，每 1 秒最多 2 个' });
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(await app.model.Live.count({ where: { user_id: user.id } }), before);
      // Counted per user: another one still creates.
      await create({ title: 'd' }, stranger.token).expect(200);
      await sleep(1100);
      await create({ title: 'e' }, user.token).expect(200);
    });

    it('words the create limit in hours by default (LIVE_CREATE_RATE_LIMIT per LIVE_CREATE_RATE_WINDOW)', async () => {
      mm(app.config.rateLimit.liveCreate, 'limit', 1);
      mm(app.config.rateLimit.liveCreate, 'window', 3600);
      const user = await registerAndLogin();
      await create({ title: 'a' }, user.token).expect(200);
      const refused = await create({ title: 'b' }, user.token).expect(429);
      assert.deepEqual(refused.body, { msg: 'fail', data: '创建直播间太频繁，每 1 小时最多 1 个' });
    });

    it('refuses a missing, empty, blank, too long or non-string title, or a bad cover, and creates nothing', async () => {
      const before = await app.model.Live.count();
      const cases: Array<[object, string]> = [
        [{}, '直播间标题不能为空' ],
        [{ title: '' }, '直播间标题不能为空' ],
        [{ title: '   ' }, '直播间标题不能为空' ],
        [{ title: 'x'.repeat(101) }, '直播间标题长度不能超过 100' ],
        [{ title: 123 }, '直播间标题必须是字符串' ],
        [{ title: [ 'a' ] }, '直播间标题必须是字符串' ],
        [{ title: 'ok', cover: 5 }, '直播间封面必须是字符串' ],
        [{ title: 'ok', cover: 'x'.repeat(201) }, '直播间封面长度不能超过 200' ],
      ];
      for (const [ body, message ] of cases) {
        const res = await create(body).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: message }, JSON.stringify(body));
      }
      assert.equal(await app.model.Live.count(), before);
    });
  });

  describe('POST /api/live/changestatus', () => {
    it('lets the owner play, pause and stop; an ended room never changes again', async () => {
      const live = await createRoom();
      for (const [ type, status ] of [[ 'play', 1 ], [ 'play', 1 ], [ 'pause', 2 ], [ 'pause', 2 ], [ 'play', 1 ], [ 'stop', 3 ]] as const) {
        const res = await changeStatus({ id: live.id, type }).expect(200);
        assert.deepEqual(res.body, { msg: 'ok', data: 'ok' });
        assert.equal(await statusOf(live.id), status);
      }
      for (const type of [ 'play', 'pause', 'stop' ]) {
        const res = await changeStatus({ id: live.id, type }).expect(400);
        assert.deepEqual(res.body, { msg: 'fail', data: '该直播间已结束' });
        assert.equal(await statusOf(live.id), LiveStatus.Ended);
      }
    });

    it('tells the media server to cut the room\'s stream when it is stopped, and only then', async () => {
      const live = await createRoom();
      const sent: unknown[] = [];
      // Only the media server's messages: schedules and other services talk to the agent meanwhile.
      mm(app.messenger, 'sendToAgent', (action: string, data: unknown) => {
        if (action.startsWith('media-')) sent.push({ action, data });
      });
      await changeStatus({ id: live.id, type: 'pause' }).expect(200);
      assert.deepEqual(sent, []);
      await changeStatus({ id: live.id, type: 'stop' }).expect(200);
      assert.deepEqual(sent, [{ action: 'media-cut', data: { key: live.key, id: live.id } }]);
    });

    it('accepts the id as a string of digits (form posts)', async () => {
      const live = await createRoom();
      await app.httpRequest().post('/api/live/changestatus').set('token', owner.token)
        .type('form')
        .send({ id: String(live.id), type: 'play' })
        .expect(200);
      assert.equal(await statusOf(live.id), LiveStatus.Live);
    });

    it('refuses a room of someone else, and leaves it as it was', async () => {
      const live = await createRoom();
      const res = await changeStatus({ id: live.id, type: 'stop' }, stranger.token).expect(403);
      assert.deepEqual(res.body, { msg: 'fail', data: '这不是你的直播间' });
      assert.equal(await statusOf(live.id), LiveStatus.NotStarted);
    });

    it('answers 该直播间不存在 for a room that does not exist', async () => {
      const res = await changeStatus({ id: 4294967295, type: 'play' }).expect(404);
      assert.deepEqual(res.body, { msg: 'fail', data: '该直播间不存在' });
    });

    it('refuses ids that are not positive integers and unknown types', async () => {
      const live = await createRoom();
      const cases: Array<[object, string]> = [
        [{ type: 'play' }, '直播间ID不能为空' ],
        [{ id: 'abc', type: 'play' }, '直播间ID必须是整数' ],
        [{ id: '12abc', type: 'play' }, '直播间ID必须是整数' ],
        [{ id: 1.5, type: 'play' }, '直播间ID必须是整数' ],
        [{ id: 0, type: 'play' }, '直播间ID不能小于 1' ],
        [{ id: -1, type: 'play' }, '直播间ID不能小于 1' ],
        [{ id: 99999999999, type: 'play' }, '直播间ID不能大于 4294967295' ],
        [{ id: [ live.id ], type: 'play' }, '直播间ID必须是整数' ],
        [{ id: live.id }, '类型不能为空' ],
        [{ id: live.id, type: 'end' }, '类型必须是 play, pause, stop 之一' ],
        [{ id: live.id, type: [ 'play' ] }, '类型必须是 play, pause, stop 之一' ],
      ];
      for (const [ body, message ] of cases) {
        const res = await changeStatus(body).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: message }, JSON.stringify(body));
      }
      assert.equal(await statusOf(live.id), LiveStatus.NotStarted);
    });

    it('needs a logged-in user', async () => {
      const res = await app.httpRequest().post('/api/live/changestatus').send({ id: 1, type: 'play' })
        .expect(401);
      assert.equal(res.body.data, '您没有权限访问该接口!');
    });

    it('lets a user change statuses config.rateLimit.liveStatus.limit times per window, then answers 429 and changes nothing', async () => {
      const user = await registerAndLogin();
      const res = await create({ title: 'limited' }, user.token).expect(200);
      const live = res.body.data.data as { id: number };
      mm(app.config.rateLimit.liveStatus, 'limit', 3);
      mm(app.config.rateLimit.liveStatus, 'window', 60);
      for (const type of [ 'play', 'pause', 'play' ]) await changeStatus({ id: live.id, type }, user.token).expect(200);
      const refused = await changeStatus({ id: live.id, type: 'pause' }, user.token).expect(429);
      assert.deepEqual(refused.body, { msg: 'fail', data: '修改直播状态太频繁，每 1 分钟最多 3 次' });
      assert.equal(refused.headers['retry-after'], '60');
      assert.equal(await statusOf(live.id), LiveStatus.Live);
      // Counted per user, not per room: the user's other room waits too, another user's does not.
      const second = await create({ title: 'second' }, user.token).expect(200);
      await changeStatus({ id: second.body.data.data.id, type: 'play' }, user.token).expect(429);
      const other = await registerAndLogin();
      const third = await create({ title: 'third' }, other.token).expect(200);
      await changeStatus({ id: third.body.data.data.id, type: 'play' }, other.token).expect(200);
    });
  });

  describe('GET /api/live/list/:page', () => {
    it('answers 10 rooms a page, newest first', async () => {
      for (let i = 0; i < 11; i++) await createRoom(`list ${i}`);
      const first = await app.httpRequest().get('/api/live/list/1').expect(200);
      const second = await app.httpRequest().get('/api/live/list/2').expect(200);
      assert.equal(first.body.msg, 'ok');
      assert.equal(first.body.data.length, 10);
      const ids = [ ...first.body.data, ...second.body.data ].map((live: { id: number }) => live.id);
      assert.deepEqual(ids, [ ...ids ].sort((a, b) => b - a));
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(first.body.data[0].title, 'list 10');
      const newest = await app.model.Live.max('id');
      assert.equal(first.body.data[0].id, newest);
    });

    it('filters by ?status=', async () => {
      const live = await createRoom();
      await changeStatus({ id: live.id, type: 'pause' }).expect(200);
      const res = await app.httpRequest().get('/api/live/list/1?status=2').expect(200);
      assert(res.body.data.length >= 1);
      assert(res.body.data.every((row: { status: number }) => row.status === 2));
      assert.equal(res.body.data[0].id, live.id);
    });

    it('sends no Content-Security-Policy: only HTML answers carry one, and building it parsed the User-Agent', async () => {
      const res = await app.httpRequest().get('/api/live/list/1').set('user-agent', 'Mozilla/5.0')
        .expect(200);
      assert.equal(res.headers['content-security-policy'], undefined);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    });

    it('answers an empty page past the end', async () => {
      const res = await app.httpRequest().get('/api/live/list/100000000').expect(200);
      assert.deepEqual(res.body, { msg: 'ok', data: [] });
    });

    it('refuses pages and statuses that are not in range', async () => {
      const cases: Array<[string, string]> = [
        [ '/api/live/list/0', '页码不能小于 1' ],
        [ '/api/live/list/-1', '页码不能小于 1' ],
        [ '/api/live/list/abc', '页码必须是整数' ],
        [ '/api/live/list/1.5', '页码必须是整数' ],
        [ '/api/live/list/99999999999', '页码不能大于 100000000' ],
        [ '/api/live/list/1?status=4', '状态不能大于 3' ],
        [ '/api/live/list/1?status=x', '状态必须是整数' ],
      ];
      for (const [ url, message ] of cases) {
        const res = await app.httpRequest().get(url).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: message }, url);
      }
    });
  });

  describe('GET /api/live/read/:id', () => {
    it('answers the room with its owner, a play signature and the play URLs', async () => {
      const live = await createRoom();
      const res = await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200);
      const { data, sign, play_url, ws_play_url } = res.body.data;
      assert.equal(data.id, live.id);
      assert.equal(data.key, live.key);
      assert.deepEqual(data.user, { id: owner.id, username: owner.username, avatar: '' });
      assert(!JSON.stringify(res.body).includes('password'));

      const media = app.config.media;
      assert.equal(checkStreamSign(media, 'play', streamPath(live.key), sign), null);
      assert.equal(checkStreamSign(media, 'publish', streamPath(live.key), sign), 'a play signature cannot publish');
      assert.equal(play_url, `http://127.0.0.1:${media.flvPort}/live/${live.key}.flv?sign=${sign}`);
      assert.equal(ws_play_url, `ws://127.0.0.1:${media.flvPort}/live/${live.key}.flv?sign=${sign}`);
    });

    it('answers sign null once the room has ended', async () => {
      const live = await createRoom();
      await changeStatus({ id: live.id, type: 'stop' }).expect(200);
      const res = await app.httpRequest().get(`/api/live/read/${live.id}`).expect(200);
      assert.equal(res.body.data.data.status, LiveStatus.Ended);
      assert.equal(res.body.data.sign, null);
      assert.equal(res.body.data.play_url, null);
      assert.equal(res.body.data.ws_play_url, null);
    });

    it('answers 当前直播间不存在 for a room that does not exist', async () => {
      const res = await app.httpRequest().get('/api/live/read/4294967295').expect(404);
      assert.deepEqual(res.body, { msg: 'fail', data: '当前直播间不存在' });
    });

    it('refuses ids that are not positive integers', async () => {
      const cases: Array<[string, string]> = [
        [ '0', '直播间ID不能小于 1' ],
        [ '-1', '直播间ID不能小于 1' ],
        [ 'abc', '直播间ID必须是整数' ],
        [ '1e3', '直播间ID必须是整数' ],
        [ '99999999999', '直播间ID不能大于 4294967295' ],
      ];
      for (const [ id, message ] of cases) {
        const res = await app.httpRequest().get(`/api/live/read/${id}`).expect(422);
        assert.deepEqual(res.body, { msg: 'fail', data: message }, id);
      }
    });
  });

  describe('the room answer cache (ANSWER_CACHE_TTL)', () => {
    beforeEach(() => {
      mm(app.config.answerCache, 'ttl', 60);
      app.answerCache.clear();
    });

    afterEach(() => app.answerCache.clear());

    const read = async (id: number) => (await app.httpRequest().get(`/api/live/read/${id}`).expect(200)).body.data;
    const firstPage = async () => (await app.httpRequest().get('/api/live/list/1').expect(200)).body.data as Array<{ id: number; look_count: number }>;

    it('answers list and read from the cache: counters written meanwhile show after the ttl, with a fresh play signature each time', async () => {
      const room = await createRoom();
      const before = await read(room.id);
      assert.equal((await firstPage()).find(live => live.id === room.id)?.look_count, 0);
      await app.model.Live.update({ look_count: 7, coin: 70 }, { where: { id: room.id } });

      const cached = await read(room.id);
      assert.equal(cached.data.look_count, 0);
      assert.equal(cached.data.coin, 0);
      assert.deepEqual(cached.data.user, before.data.user);
      assert.equal(cached.data.created_time, before.data.created_time);
      assert.equal(checkStreamSign(app.config.media, 'play', streamPath(room.key), cached.sign), null);
      assert.equal((await firstPage()).find(live => live.id === room.id)?.look_count, 0);

      mm(app.config.answerCache, 'ttl', 0);
      assert.equal((await read(room.id)).data.look_count, 7);
      assert.equal((await firstPage()).find(live => live.id === room.id)?.look_count, 7);
    });

    it('signs a room once a second per host: one reply within a second, the next second a new signature', async () => {
      const room = await createRoom();
      const media = app.config.media;
      let now = Date.UTC(2026, 11, 3, 12, 0, 0, 100);
      mm(Date, 'now', () => now);
      const first = await read(room.id);
      const expires = Number(first.sign.split('-')[0]);
      assert.equal(expires, Math.floor(now / 1000) + media.signTtl);
      now += 850;
      assert.deepEqual(await read(room.id), first);

      now += 100;
      const next = await read(room.id);
      assert.equal(Number(next.sign.split('-')[0]), expires + 1);
      assert.equal(checkStreamSign(media, 'play', streamPath(room.key), next.sign, now), null);
      assert.equal(next.play_url, `http://127.0.0.1:${media.flvPort}/live/${room.key}.flv?sign=${next.sign}`);

      // Another host within the same second: its own URLs, the same signature; then the first host's again.
      const res = await app.httpRequest().get(`/api/live/read/${room.id}`).set('Host', 'live.example.com:7001')
        .expect(200);
      const other = res.body.data;
      assert.equal(other.sign, next.sign);
      assert.equal(other.play_url, `http://live.example.com:${media.flvPort}/live/${room.key}.flv?sign=${next.sign}`);
      assert.equal(other.ws_play_url, `ws://live.example.com:${media.flvPort}/live/${room.key}.flv?sign=${next.sign}`);
      assert.deepEqual(await read(room.id), next);
    });

    it('drops a room\'s cached answers and the list pages when it is created or changes status, at once', async () => {
      const room = await createRoom();
      assert.equal((await read(room.id)).data.status, LiveStatus.NotStarted);
      assert.equal((await firstPage())[0].id, room.id);

      await changeStatus({ id: room.id, type: 'play' }).expect(200);
      assert.equal((await read(room.id)).data.status, LiveStatus.Live);

      const next = await createRoom('another room');
      assert.equal((await firstPage())[0].id, next.id);

      await changeStatus({ id: room.id, type: 'stop' }).expect(200);
      const ended = await read(room.id);
      assert.equal(ended.data.status, LiveStatus.Ended);
      assert.equal(ended.sign, null);
    });

    it('drops them when another worker or the agent says a room changed (the live-changed message)', async () => {
      const room = await createRoom();
      await read(room.id);
      await app.model.Live.update({ status: LiveStatus.Live }, { where: { id: room.id } });
      assert.equal((await read(room.id)).data.status, LiveStatus.NotStarted);
      app.messenger.emit('live-changed', { id: room.id });
      assert.equal((await read(room.id)).data.status, LiveStatus.Live);
    });

    it('keeps the cached answers of other rooms when one changes status: only that room\'s and the list pages go', async () => {
      const a = await createRoom('room A');
      const b = await createRoom('room B');
      await read(a.id);
      await read(b.id);
      await app.mockContext().service.live.ensureOpen(b.id).catch(() => undefined);
      assert.equal((await firstPage())[0].id, b.id);
      // Written behind the cache's back: a cached answer still shows 0.
      await app.model.Live.update({ look_count: 5 }, { where: { id: [ a.id, b.id ] } });

      await changeStatus({ id: b.id, type: 'play' }).expect(200);
      assert.equal((await read(a.id)).data.look_count, 0, 'room A\'s read survives');
      const readB = (await read(b.id)).data;
      assert.equal(readB.status, LiveStatus.Live);
      assert.equal(readB.look_count, 5);
      // B's status answer ('未开播') was dropped too: it is open now.
      await app.mockContext().service.live.ensureOpen(b.id);
      assert.equal((await firstPage()).find(live => live.id === a.id)?.look_count, 5, 'the list pages went');
    });

    it('keeps other rooms\' reads when a room is created, and forgets a "does not exist" cached for its id', async () => {
      const a = await createRoom('room A');
      await read(a.id);
      await firstPage();
      await app.model.Live.update({ look_count: 3 }, { where: { id: a.id } });
      const [ table ] = await app.model.query<{ next: number }>(
        'SELECT AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \'live\'',
        { type: QueryTypes.SELECT });
      await app.httpRequest().get(`/api/live/read/${table.next}`).expect(404);

      const created = await createRoom('room C');
      assert.equal(created.id, Number(table.next));
      assert.equal((await app.httpRequest().get(`/api/live/read/${created.id}`).expect(200)).body.data.data.id, created.id);
      assert.equal((await read(a.id)).data.look_count, 0, 'room A\'s read survives');
      assert.equal((await firstPage())[0].id, created.id);
    });

    it('drops only the named room\'s answers on a live-changed message (a stream started or stopped in the agent)', async () => {
      const a = await createRoom('room A');
      const b = await createRoom('room B');
      await read(a.id);
      await read(b.id);
      await app.model.Live.update({ status: LiveStatus.Live }, { where: { id: [ a.id, b.id ] } });
      app.messenger.emit('live-changed', { id: b.id });
      assert.equal((await read(a.id)).data.status, LiveStatus.NotStarted);
      assert.equal((await read(b.id)).data.status, LiveStatus.Live);
    });

    it('still answers 404, twice, for a room that does not exist', async () => {
      await app.httpRequest().get('/api/live/read/4000000000').expect(404);
      await app.httpRequest().get('/api/live/read/4000000000').expect(404);
    });
  });
});
