import assert from 'node:assert';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import io from 'socket.io-client';
import { QueryTypes } from 'sequelize';
import { Cluster, stickyCluster } from './support';
import { freePort } from './media_support';
import { until } from './lib/until';
import { labelValues, sampleOf } from './metrics_support';
import { cheapestGift, openLive, Reply, userWithCoins } from './socket_support';

const TOKEN = 'cluster-scrape-token';
// The sticky master picks the worker by the client's address: these two land on different workers.
const ADDRESSES = [ '127.0.0.1', '127.0.0.2' ];

// A GET from a given local address (so to a given worker); answers the status and the body.
function get(port: number, path: string, localAddress: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, localAddress, headers, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', chunk => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

// app.ts in production's process model (2 sticky workers and the agent): /metrics adds every process up, and a stop
// (SIGTERM to the master, as egg-scripts stop sends) lets gifts under way finish, then has the clients reconnect.
describe('test/app.test.ts', function() {
  this.timeout(180000);

  let port: number;
  let cluster: Cluster | undefined;
  const sockets: SocketIOClient.Socket[] = [];

  before(async () => {
    port = await freePort();
    cluster = await stickyCluster(port, { METRICS_TOKEN: TOKEN });
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.close();
  });

  it('counts the requests of both workers in one scrape, with every process\'s own process metrics', async () => {
    const scrape = async (address: string) => {
      const res = await get(port, '/metrics', address, { authorization: `Bearer ${TOKEN}` });
      assert.equal(res.status, 200, res.body);
      return res.body;
    };
    const labels = { method: 'GET', route: '/api/live/read/:id', status: '404' };
    const before = sampleOf(await scrape(ADDRESSES[0]), 'cilicl_http_requests_total', labels) || 0;
    for (let i = 0; i < 3; i++) assert.equal((await get(port, '/api/live/read/999999990', ADDRESSES[0])).status, 404);
    for (let i = 0; i < 2; i++) assert.equal((await get(port, '/api/live/read/999999991', ADDRESSES[1])).status, 404);
    for (const address of ADDRESSES) {
      const started = Date.now();
      const text = await scrape(address);
      // Every process answered: no wait for the gathering timeout (1 s).
      assert(Date.now() - started < 1000, `scrape took ${Date.now() - started} ms`);
      assert.equal(sampleOf(text, 'cilicl_http_requests_total', labels) - before, 5);
      // Two workers and the agent.
      assert.equal(labelValues(text, 'cilicl_process_cpu_user_seconds_total', 'pid').length, 3, text);
    }
    assert.equal((await get(port, '/metrics', ADDRESSES[1])).status, 401);
  });

  it('on stop, finishes the gifts under way (each acknowledged gift is a row, coins conserved) and has sockets reconnect', async () => {
    const { live } = await openLive();
    const gift = await cheapestGift();
    const senders = await Promise.all([ 0, 1, 2, 3 ].map(() => userWithCoins(gift.coin * 1000)));
    const url = `http://127.0.0.1:${port}`;
    const reasons: string[] = [];
    const acked = new Map<number, number>();
    const connected = senders.map((sender, i) => new Promise<SocketIOClient.Socket>((resolve, reject) => {
      // Reconnecting as the course client does (socket.io-client's defaults), one worker per address.
      const socket = io(url, { transports: [ 'websocket' ], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 1000,
        query: { token: sender.token }, localAddress: ADDRESSES[i % 2] } as SocketIOClient.ConnectOpts);
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
      socket.on('disconnect', (reason: string) => reasons.push(reason));
    }));
    const clients = await Promise.all(connected);
    // Each sender gifts one after another until its connection goes.
    let stopping = false;
    const loops = clients.map(async (socket, i) => {
      const { id } = senders[i];
      acked.set(id, 0);
      while (!stopping && socket.connected) {
        const reply = await Promise.race([
          new Promise<Reply>(resolve => socket.emit('gift', { live_id: live.id, gift_id: gift.id }, resolve)),
          new Promise<null>(resolve => socket.once('disconnect', () => resolve(null))),
        ]);
        if (reply?.data.action === 'ok') acked.set(id, acked.get(id)! + 1);
      }
    });
    await sleep(1500);
    const total = () => [ ...acked.values() ].reduce((a, b) => a + b, 0);
    assert(total() > 0, 'gifts went through before the stop');
    await cluster!.close();
    cluster = undefined;
    stopping = true;
    await Promise.all(loops);

    // Every connection was closed at its transport (socket.io-client then reconnects), none by a server disconnect.
    assert.equal(reasons.length, clients.length, JSON.stringify(reasons));
    assert(reasons.every(reason => reason === 'transport close'), JSON.stringify(reasons));
    const ids = senders.map(sender => sender.id);
    const rows = await app.model.query<{ user_id: number; n: number }>('SELECT user_id, COUNT(*) AS n FROM live_gift WHERE live_id = :live GROUP BY user_id',
      { replacements: { live: live.id }, type: QueryTypes.SELECT });
    const rowsOf = new Map(rows.map(row => [ row.user_id, Number(row.n) ]));
    for (const id of ids) assert.equal(rowsOf.get(id) ?? 0, acked.get(id), `user ${id}: rows and acknowledged gifts`);
    const users = await app.model.User.findAll({ where: { id: ids } });
    for (const user of users) assert.equal(user.coin, gift.coin * (1000 - acked.get(user.id)!), `user ${user.id}'s coins`);
    const room = await app.model.Live.findByPk(live.id);
    assert.equal(room!.coin, gift.coin * total());

    // Started again on the same port, the clients come back by themselves.
    const reconnected = clients.map(socket => new Promise<void>(resolve => socket.once('reconnect', () => resolve())));
    cluster = await stickyCluster(port, { METRICS_TOKEN: TOKEN });
    await Promise.all(reconnected);
    await until('every client connected again', () => clients.every(socket => socket.connected), 10000);
  });
});
