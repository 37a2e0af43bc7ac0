import assert from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app } from 'egg-mock/bootstrap';
import { checkStreamSign, streamPath } from '../app/common/media_sign';
import { LiveStatus } from '../app/model/live';
import { until } from './lib/until';
import { uniqueName } from './support';
import { appUrl, closeClients, connect, OnlineEvent, record, request } from './socket_support';
import { buy, useWxpayGateway } from './wxpay_support';

// The course's uni-app client, replayed call by call (common/request.js, store/index.js, pages/live, liveroom,
// create-live, coin): every field it reads is checked, and every image URL it builds must answer an image.
describe('test/course_client.test.ts', () => {
  const gateway = useWxpayGateway();
  afterEach(closeClients);

  // request.js: the API answers {msg, data} and the client keeps data; a non-200 toasts data.
  const api = {
    async get(url: string, token?: string) {
      const req = app.httpRequest().get(`/api${url}`);
      if (token) req.set('token', token);
      const res = await req.expect(200);
      assert.equal(res.body.msg, 'ok');
      return res.body.data;
    },
    async post(url: string, body: object, token?: string) {
      const req = app.httpRequest().post(`/api${url}`).set('Content-Type', 'application/json;charset=UTF-8');
      if (token) req.set('token', token);
      const res = await req.send(body).expect(200);
      assert.equal(res.body.msg, 'ok');
      return res.body.data;
    },
  };

  // imageUrl + path: what an <image src> of the client loads.
  async function assertImage(url: string) {
    assert.match(url, /^\/public\//, url);
    const res = await app.httpRequest().get(url).buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    assert.match(res.headers['content-type'], /^image\//, url);
    assert((res.body as Buffer).length > 0, url);
  }

  it('serves the client from registration to buying coins', async () => {
    const password = 'course-pass-1';
    const username = uniqueName('c');
    // login.vue: reg, then login; store/index.js keeps user and token.
    await api.post('/reg', { username, password, repassword: password });
    const login = await api.post('/login', { username, password });
    assert.equal(login.username, username);
    assert.equal(typeof login.token, 'string');
    const { token } = login;
    // my.vue: the current user and its coins.
    const info = await api.get('/user/info', token);
    assert.deepEqual([ info.id, info.username, info.coin ], [ login.id, username, 0 ]);

    // create-live.nvue: the cover through uni.uploadFile (field files), then create with imageUrl-less url.
    const cover = readFileSync(path.join(__dirname, '../app/public/gift/rocket.png'));
    const uploaded = await app.httpRequest().post('/api/upload').set('token', token)
      .attach('files', cover, 'tmp_cover.png')
      .expect(200);
    const coverUrl = uploaded.body.data.url as string;
    await assertImage(coverUrl);
    const created = await api.post('/live/create', { title: '课程客户端', cover: coverUrl }, token);
    assert.equal(created.data.cover, coverUrl);
    assert.match(created.sign, /^\d+-[0-9a-f]{32}$/);
    const live = created.data;
    // liveroom.nvue pushes to livePushBaseUrl/live/<key>?sign=<sign from create>.
    assert.equal(checkStreamSign(app.config.media, 'publish', streamPath(live.key), created.sign), null);
    await app.model.Live.update({ status: LiveStatus.Live }, { where: { id: live.id } });

    // index.vue: the lobby lists it with its cover.
    const page = await api.get('/live/list/1');
    const listed = page.find((room: { id: number }) => room.id === live.id);
    assert.deepEqual([ listed.title, listed.cover, listed.status ], [ '课程客户端', coverUrl, LiveStatus.Live ]);
    await assertImage(listed.cover);

    // live.nvue: read gives detail (user, look_count, coin, key) and the play sign.
    const read = await api.get(`/live/read/${live.id}`);
    assert.deepEqual(read.data.user, { id: login.id, username, avatar: '' });
    assert.deepEqual([ read.data.look_count, read.data.coin, read.data.key ], [ 0, 0, live.key ]);
    assert.equal(checkStreamSign(app.config.media, 'play', streamPath(read.data.key), read.sign), null);
    // The gift bar: baseUrl + image.
    const gifts = await api.get('/gift/list');
    for (const gift of gifts) await assertImage(gift.image);
    const gift = gifts.find((item: { coin: number }) => item.coin > 0);

    // A viewer with coins, on socket.io with transports ['websocket'] as store/index.js connects.
    const viewerName = uniqueName('v');
    await api.post('/reg', { username: viewerName, password, repassword: password });
    const viewer = await api.post('/login', { username: viewerName, password });
    await app.model.User.update({ coin: gift.coin }, { where: { id: viewer.id } });
    const socket = await connect(await appUrl());
    const toasts: Array<{ meta: { notoast?: boolean }; data: { payload: string } }> = [];
    socket.on(socket.id, (e: typeof toasts[number]) => toasts.push(e));
    const online = record<OnlineEvent>(socket, 'online');
    const comments = record<{ id: number; user: { name: string }; content: string }>(socket, 'comment');
    const told = record<{ gift_image: string; gift_coin: number; num: number; username: string; gift_name: string }>(socket, 'gift');

    socket.emit('joinLive', { live_id: live.id, token: viewer.token });
    // live.nvue: online with action join replaces the list with d.data.
    await until('the online event', () => online.some(d => d.action === 'join' && d.data.some(u => u.id === viewer.id)));
    socket.emit('comment', { live_id: live.id, data: '主播好', token: viewer.token });
    await until('the comment', () => comments.length === 1);
    // The danmaku list is keyed on d.id and shows d.user.name and d.content.
    const stored = await app.model.Comment.findOne({ where: { live_id: live.id } });
    assert.deepEqual([ comments[0].id, comments[0].user.name, comments[0].content ], [ stored!.id, viewer.username, '主播好' ]);
    socket.emit('gift', { live_id: live.id, gift_id: gift.id, token: viewer.token });
    await until('the gift', () => told.length === 1);
    // detail.coin += d.gift_coin * d.num; the animation shows imageUrl + d.gift_image.
    let shownCoin = read.data.coin;
    for (const d of told) shownCoin += d.gift_coin * d.num;
    assert.equal(shownCoin, (await app.model.Live.findByPk(live.id))!.coin);
    assert.deepEqual([ told[0].username, told[0].gift_name ], [ viewer.username, gift.name ]);
    await assertImage(told[0].gift_image);
    assert.deepEqual(toasts, []);

    // Leaving with a token gone bad: refused without a toast (meta.notoast), as the client skips it.
    socket.emit('leaveLive', { live_id: live.id, token: 'not-a-jwt' });
    await until('the refusal', () => toasts.length === 1);
    assert.equal(toasts[0].meta.notoast, true);
    assert.equal(toasts[0].data.payload, 'Token 令牌不合法!');
    // Any other refusal is a toast.
    const refused = await request(socket, 'gift', { live_id: live.id, gift_id: gift.id, token: viewer.token });
    assert.deepEqual([ refused.data.payload, refused.meta.notoast ], [ '金币不足，请先充值', undefined ]);

    // coin.vue: wxpay {price} answers what uni.requestPayment({provider: 'wxpay', orderInfo}) takes.
    const { params } = await buy(viewer.token, 6, gateway);
    assert.deepEqual(Object.keys(params).sort(), [ 'appid', 'noncestr', 'package', 'partnerid', 'prepayid', 'sign', 'timestamp' ]);
  });
});
