import assert from 'node:assert';
import { ChildProcess, execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import { Cluster, registerAndLogin, stickyCluster } from '../../support';
import { freePort } from '../../media_support';
import { until } from '../../lib/until';
import { Client, closeClients, connect, OnlineEvent, openLive, publicIdOf, record, Reply, request, userWithCoins } from '../../socket_support';

type LoggedIn = Awaited<ReturnType<typeof registerAndLogin>>;
interface Gift { id: number; name: string; image: string; coin: number }

// egg-cluster's sticky master sends a connection to the worker chosen by the digits of the client's address, modulo
// the worker count: with two workers, 127.0.0.1 and 127.0.0.2 land on different ones.
const FIRST = '127.0.0.1';
const SECOND = '127.0.0.2';
const ADDRESSES = [ FIRST, SECOND ];

const last = <T>(events: T[]): T | undefined => events[events.length - 1];
const byId = (a: number, b: number) => a - b;
const idsOf = (event: OnlineEvent) => event.data.map(user => user.id).sort(byId);
const NOT_ENOUGH = '金币不足，请先充值';

// Real socket.io-client sockets against two sticky workers: what one worker gets reaches the other's sockets, and
// the shared state (Redis, MySQL) stays exact when both change it at once.
describe('test/app/io/cluster.test.ts', function() {
  this.timeout(120000);

  let cluster: Cluster;
  let port: number;
  let url: string;

  before(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Gifts coalesced as in production: a sender's run of one gift is one event with num (app/lib/gift_coalescer.ts).
    cluster = await stickyCluster(port, { GIFT_COALESCE_MS: '300' });
  });

  // Set once a worker is killed: the cluster is closed right after that test, before egg-mock's own afterEach
  // (mm.restore) calls into it, which the sticky master would route to the missing worker (no refork in unittest).
  let workerKilled = false;
  afterEach(async () => {
    closeClients();
    if (workerKilled) await cluster.close();
  });

  after(async () => {
    closeClients();
    await cluster?.close();
  });

  // The app workers: the cluster master's children running app_worker.js.
  function appWorkers(): number[] {
    const master = (cluster as unknown as { process: ChildProcess }).process.pid;
    const out = execFileSync('ps', [ '-o', 'pid=,args=', '--ppid', String(master) ], { encoding: 'utf8' });
    return out.split('\n').filter(line => line.includes('app_worker.js')).map(line => Number(line.trim().split(/\s+/)[0]));
  }

  // Which processes hold the cluster's established connections, by client address (the master hands each accepted
  // connection over to a worker and closes its own copy).
  function holders(): Map<string, Set<number>> {
    const out = execFileSync('ss', [ '-tnpH', 'state', 'established', `( sport = :${port} )` ], { encoding: 'utf8' });
    const found = new Map<string, Set<number>>();
    for (const line of out.split('\n')) {
      const peer = /\s(?:\[(?:::ffff:)?)?(\d+\.\d+\.\d+\.\d+)\]?:\d+\s+users:/.exec(line);
      const pids = [ ...line.matchAll(/pid=(\d+)/g) ].map(match => Number(match[1]));
      if (!peer) continue;
      const set = found.get(peer[1]) ?? new Set<number>();
      pids.forEach(pid => set.add(pid));
      found.set(peer[1], set);
    }
    return found;
  }

  // Each address's connections are held by one app worker, and the two addresses by different ones; answers them.
  async function assertSplitAcrossWorkers(): Promise<Map<string, number>> {
    const workers = appWorkers();
    assert.equal(workers.length, 2, `app workers: ${workers}`);
    let seen = new Map<string, Set<number>>();
    await until('each address to be served by one worker', () => {
      seen = holders();
      return ADDRESSES.every(address => seen.get(address)?.size === 1);
    }, 5000).catch(err => {
      throw new Error(`${err.message}: ${JSON.stringify([ ...seen ].map(([ ip, pids ]) => [ ip, [ ...pids ]]))}`);
    });
    const [ first ] = seen.get(FIRST)!;
    const [ second ] = seen.get(SECOND)!;
    assert(workers.includes(first) && workers.includes(second), `holders ${first}, ${second} among workers ${workers}`);
    assert.notEqual(first, second, 'both addresses were sent to the same worker');
    return new Map([[ FIRST, first ], [ SECOND, second ]]);
  }

  async function joined(address: string, user: LoggedIn, liveId: number): Promise<Client> {
    const socket = await connect(url, { localAddress: address });
    const reply = await request(socket, 'joinLive', { live_id: liveId, token: user.token });
    assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' });
    return socket;
  }

  // A viewer listening to the room from one address (so one worker): its user is joined, and counted online.
  async function observer(address: string, liveId: number) {
    const user = await registerAndLogin();
    const socket = await connect(url, { localAddress: address });
    const online = record<OnlineEvent>(socket, 'online');
    const comments = record<{ user: { id: number; name: string; avatar: string }; id: number; content: string }>(socket, 'comment');
    const gifts = record<Record<string, unknown>>(socket, 'gift');
    const reply = await request(socket, 'joinLive', { live_id: liveId, token: user.token });
    assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' });
    return { user, socket, online, comments, gifts };
  }
  type Observer = Awaited<ReturnType<typeof observer>>;

  // Waits until every observer's last `online` event satisfies check, then asserts they all saw the same list.
  async function settled(observers: Observer[], what: string, check: (event: OnlineEvent) => boolean, ms = 15000) {
    await until(what, () => observers.every(({ online }) => {
      const event = last(online);
      return event !== undefined && check(event);
    }), ms).catch(err => {
      const seen = observers.map(({ online }) => {
        const event = last(online);
        return event && { count: event.count, ids: idsOf(event), clients: event.clients.length };
      });
      throw new Error(`${err.message}; last online events: ${JSON.stringify(seen)}`);
    });
    const [ first, ...others ] = observers.map(({ online }) => last(online)!);
    for (const other of others) assert.deepEqual(other, first, 'the workers told different online lists');
    return first;
  }

  async function giftCatalogue(): Promise<Gift[]> {
    const res = await fetch(`${url}/api/gift/list`);
    assert.equal(res.status, 200);
    const body = await res.json() as { msg: string; data: Gift[] };
    assert.equal(body.msg, 'ok');
    assert(body.data.length > 0, 'the gift catalogue is seeded');
    return body.data;
  }

  const liveRow = async (id: number) => (await app.model.Live.findByPk(id))!;
  const coinOf = async (id: number) => (await app.model.User.findByPk(id))!.coin;

  it('tells comments and gifts sent through one worker to the other, and both workers tell the same online list', async () => {
    const [ gift ] = await giftCatalogue();
    const { live } = await openLive();
    const a = await observer(FIRST, live.id);
    const b = await observer(SECOND, live.id);
    await assertSplitAcrossWorkers();
    await Promise.all([ a, b ].map(({ user }) => app.model.User.update({ coin: gift.coin }, { where: { id: user.id } })));

    // Both directions, for both events.
    for (const [ from, to ] of [[ a, b ], [ b, a ]]) {
      const content = `hello from ${from.user.username}`;
      const sent = await request(from.socket, 'comment', { live_id: live.id, data: content, token: from.user.token });
      assert.deepEqual(sent.data, { action: 'ok', payload: 'ok' });
      await until(`${to.user.username} to get the other worker's comment`, () => to.comments.some(c => c.content === content));
      const stored = await app.model.Comment.findOne({ where: { live_id: live.id, content } });
      const expected = { user: { id: from.user.id, name: from.user.username, avatar: '' }, id: stored?.id, content };
      assert.deepEqual(to.comments.filter(c => c.content === content), [ expected ]);
      await until('the sender to get its own comment', () => from.comments.some(c => c.content === content));

      const given = await request(from.socket, 'gift', { live_id: live.id, gift_id: gift.id, token: from.user.token });
      assert.deepEqual(given.data, { action: 'ok', payload: 'ok' });
      const told = { avatar: '', username: from.user.username, gift_image: gift.image, gift_name: gift.name, gift_coin: gift.coin, num: 1 };
      await until(`${to.user.username} to get the other worker's gift`, () => to.gifts.some(g => g.username === from.user.username));
      assert.deepEqual(to.gifts.filter(g => g.username === from.user.username), [ told ]);
    }
    // Each viewer hears both comments and both gifts, its own included, once.
    await until('each viewer to hear both comments and both gifts', () => [ a, b ].every(o => o.comments.length >= 2 && o.gifts.length >= 2));
    for (const { comments, gifts } of [ a, b ]) {
      assert.deepEqual(comments.map(c => c.user.id).sort(byId), [ a.user.id, b.user.id ].sort(byId));
      assert.deepEqual(gifts.map(g => g.username).sort(), [ a.user.username, b.user.username ].sort());
    }
    assert.equal((await liveRow(live.id)).coin, 2 * gift.coin);

    const event = await settled([ a, b ], 'both workers to list both viewers', e => e.count === 2);
    assert.deepEqual(idsOf(event), [ a.user.id, b.user.id ].sort(byId));
    assert.deepEqual([ ...event.clients ].sort(), [ a.socket, b.socket ].map(publicIdOf).sort());
    // b joined last.
    assert.deepEqual(event.data[0], { id: b.user.id, name: b.user.username, avatar: '' });
  });

  it('takes 10 of 200 simultaneous gifts from one user whose coins pay for 10, across both workers', async () => {
    const [ gift ] = await giftCatalogue();
    const { live } = await openLive();
    const giver = await userWithCoins(10 * gift.coin);
    const observers = [ await observer(FIRST, live.id), await observer(SECOND, live.id) ];
    const before = (await coinOf(giver.id)) + (await liveRow(live.id)).coin;
    assert.equal(before, 10 * gift.coin);

    // 100 sockets of the giver from each address: one gift each, all sent in the same tick.
    const sockets = await Promise.all(Array.from({ length: 200 }, (_, i) => connect(url, { localAddress: ADDRESSES[i % 2] })));
    await assertSplitAcrossWorkers();
    const replies: Reply[] = await Promise.all(sockets.map(socket =>
      request(socket, 'gift', { live_id: live.id, gift_id: gift.id, token: giver.token })));

    const ok = replies.filter(reply => reply.data.action === 'ok');
    const refused = replies.filter(reply => reply.data.action === 'error');
    assert.equal(ok.length, 10, JSON.stringify(replies.filter(r => r.data.payload !== NOT_ENOUGH).map(r => r.data)));
    assert.deepEqual(ok.map(reply => reply.data.payload), Array(10).fill('ok'));
    assert.equal(refused.length, 190);
    assert.deepEqual([ ...new Set(refused.map(reply => reply.data.payload)) ], [ NOT_ENOUGH ]);

    assert.equal(await coinOf(giver.id), 0);
    const room = await liveRow(live.id);
    assert.equal(room.coin, 10 * gift.coin);
    assert.equal((await coinOf(giver.id)) + room.coin, before, 'coins were created or lost');
    assert.equal(await app.model.LiveGift.count({ where: { user_id: giver.id, live_id: live.id } }), 10);
    assert.equal(await app.model.LiveGift.count({ where: { user_id: giver.id, live_id: live.id, gift_id: gift.id } }), 10);

    // Each worker tells its own sockets' gifts, a run of them as one event: the nums add up to the 10 paid.
    const nums = (gifts: Array<Record<string, unknown>>) => gifts.reduce((sum, event) => sum + Number(event.num), 0);
    await until('both observers to hear of the 10 gifts', () => observers.every(({ gifts }) => nums(gifts) >= 10));
    // The other worker's events come through Redis: give any extra one time to arrive.
    await sleep(1000);
    const told = { avatar: '', username: giver.username, gift_image: gift.image, gift_name: gift.name, gift_coin: gift.coin };
    for (const { gifts } of observers) {
      assert.equal(nums(gifts), 10);
      for (const event of gifts) assert.deepEqual({ ...event, num: undefined }, { ...told, num: undefined });
    }
  });

  it('tells viewers on both workers the coins of concurrent senders on both workers exactly, runs of gifts coalesced', async () => {
    const catalogue = await giftCatalogue();
    const kinds = catalogue.filter(gift => gift.coin > 0).slice(0, 2);
    const { live } = await openLive();
    const observers = [ await observer(FIRST, live.id), await observer(SECOND, live.id), await observer(FIRST, live.id), await observer(SECOND, live.id) ];
    // Three senders on each worker; the last one's coins pay for fewer gifts than it sends.
    const senders = await newUsers(6);
    await Promise.all(senders.map((sender, i) => app.model.User.update({ coin: i === 5 ? 7 * kinds[1].coin : 100000 }, { where: { id: sender.id } })));
    const sockets = await Promise.all(senders.map((_, i) => connect(url, { localAddress: ADDRESSES[i % 2] })));
    await assertSplitAcrossWorkers();
    const before = (await liveRow(live.id)).coin;

    // Each sends 12 of one gift, 6 of the other, then 12 of the first again, one after another, all senders at once.
    const plan = [ ...Array(12).fill(kinds[0]), ...Array(6).fill(kinds[1]), ...Array(12).fill(kinds[0]) ] as Gift[];
    const paid = new Map<string, number>();
    await Promise.all(sockets.map(async (socket, i) => {
      const { username, token } = senders[i];
      for (const gift of plan) {
        const reply = await request(socket, 'gift', { live_id: live.id, gift_id: gift.id, token });
        if (reply.data.action === 'ok') paid.set(`${username}/${gift.name}`, (paid.get(`${username}/${gift.name}`) ?? 0) + 1);
        else assert.equal(reply.data.payload, NOT_ENOUGH);
      }
    }));
    const gained = (await liveRow(live.id)).coin - before;
    const acknowledged = [ ...paid.values() ].reduce((a, b) => a + b, 0);
    assert(gained > 0 && acknowledged < 6 * plan.length, `gained ${gained}, ${acknowledged} acknowledged`);
    assert.equal(await app.model.LiveGift.count({ where: { live_id: live.id } }), acknowledged);
    const coinsOf = (gifts: Array<Record<string, unknown>>) => gifts.reduce((sum, event) => sum + Number(event.gift_coin) * Number(event.num), 0);
    await until('every observer to be told every coin', () => observers.every(({ gifts }) => coinsOf(gifts) >= gained), 15000);
    // Runs still counted when the senders stopped end within the window; give any extra event time to arrive.
    await sleep(1000);
    for (const { gifts } of observers) {
      // The sum rule, on each worker: what a viewer adds up is exactly what the room gained.
      assert.equal(coinsOf(gifts), gained);
      // And per sender and gift, the nums are the gifts acknowledged.
      const told = new Map<string, number>();
      for (const event of gifts) {
        const gift = kinds.find(kind => kind.name === event.gift_name)!;
        assert.deepEqual([ event.gift_image, event.gift_coin, event.avatar ], [ gift.image, gift.coin, '' ]);
        const key = `${event.username}/${event.gift_name}`;
        told.set(key, (told.get(key) ?? 0) + Number(event.num));
      }
      assert.deepEqual(new Map([ ...told ].sort()), new Map([ ...paid ].sort()));
      // Never more events than gifts, a run told in a few.
      assert(gifts.length <= acknowledged, `${gifts.length} events for ${acknowledged} gifts`);
    }
    // Every viewer was told the same events.
    const sorted = (gifts: Array<Record<string, unknown>>) => gifts.map(event => JSON.stringify(event)).sort();
    for (const { gifts } of observers.slice(1)) assert.deepEqual(sorted(gifts), sorted(observers[0].gifts));
  });

  it('keeps the online list exact from both workers through 50 joins, 25 leaves and 10 disconnects at once', async () => {
    const { live } = await openLive();
    const observers = [ await observer(FIRST, live.id), await observer(SECOND, live.id) ];
    const viewers = await newUsers(50);
    // Viewers 0-24 from the first address, 25-49 from the second.
    const sockets = await Promise.all(viewers.map((_, i) => connect(url, { localAddress: i < 25 ? FIRST : SECOND })));
    await assertSplitAcrossWorkers();

    const joins = await Promise.all(sockets.map((socket, i) =>
      request(socket, 'joinLive', { live_id: live.id, token: viewers[i].token })));
    assert.deepEqual(joins.map(reply => reply.data.action), Array(50).fill('ok'));
    const everyone = [ ...observers.map(o => o.user.id), ...viewers.map(v => v.id) ].sort(byId);
    // Every join is answered after its first visit is recorded: the observers and the 50.
    assert.equal((await liveRow(live.id)).look_count, 52);
    assert.equal(await app.model.LiveUser.count({ where: { live_id: live.id } }), 52);
    const full = await settled(observers, 'both workers to list the 52 users', e => e.count === 52);
    assert.deepEqual(idsOf(full), everyone);

    // Each worker: 13 / 12 leave, 5 / 5 disconnect without leaving, 7 / 8 stay.
    const leaving = [ ...range(0, 13), ...range(25, 37) ];
    const dropping = [ ...range(13, 18), ...range(37, 42) ];
    const staying = [ ...range(18, 25), ...range(42, 50) ];
    assert.equal(leaving.length, 25);
    assert.equal(dropping.length, 10);
    assert.equal(staying.length, 15);
    const leaves = leaving.map(i => request(sockets[i], 'leaveLive', { live_id: live.id, token: viewers[i].token }));
    for (const i of dropping) sockets[i].close();
    assert.deepEqual((await Promise.all(leaves)).map(reply => reply.data.action), Array(25).fill('ok'));

    const expectedIds = [ ...observers.map(o => o.user.id), ...staying.map(i => viewers[i].id) ].sort(byId);
    const expectedClients = [ ...observers.map(o => o.socket), ...staying.map(i => sockets[i]) ].map(publicIdOf).sort();
    const event = await settled(observers, 'both workers to list the 17 users left',
      e => e.count === 17 && idsOf(e).join() === expectedIds.join());
    assert.deepEqual(idsOf(event), expectedIds);
    assert.deepEqual([ ...event.clients ].sort(), expectedClients);
    assert.equal(event.action, 'leave');
    assert.equal((await liveRow(live.id)).look_count, 52);

    // One user, two tabs joining at the same moment, one on each worker: listed once, one more visit.
    const tabUser = await registerAndLogin();
    const tabs = await Promise.all(ADDRESSES.map(address => connect(url, { localAddress: address })));
    const tabJoins = await Promise.all(tabs.map(tab => request(tab, 'joinLive', { live_id: live.id, token: tabUser.token })));
    assert.deepEqual(tabJoins.map(reply => reply.data.action), [ 'ok', 'ok' ]);
    assert.equal((await liveRow(live.id)).look_count, 53);
    assert.equal(await app.model.LiveUser.count({ where: { live_id: live.id, user_id: tabUser.id } }), 1);
    const withTabs = await settled(observers, 'both workers to list the two-tab user once',
      e => e.count === 18 && e.clients.length === 19);
    assert.deepEqual(idsOf(withTabs), [ ...expectedIds, tabUser.id ].sort(byId));
    assert.equal(withTabs.data.filter(user => user.id === tabUser.id).length, 1);
    assert.deepEqual([ ...withTabs.clients ].sort(), [ ...expectedClients, ...tabs.map(publicIdOf) ].sort());

    // One tab leaves: the user stays listed with the other; the second tab goes: the user is gone.
    assert.equal((await request(tabs[0], 'leaveLive', { live_id: live.id, token: tabUser.token })).data.action, 'ok');
    const oneTab = await settled(observers, 'both workers to drop the first tab', e => e.clients.length === 18);
    assert.equal(oneTab.count, 18);
    assert(oneTab.clients.includes(publicIdOf(tabs[1])) && !oneTab.clients.includes(publicIdOf(tabs[0])));
    assert.deepEqual(idsOf(oneTab), [ ...expectedIds, tabUser.id ].sort(byId));
    tabs[1].close();
    const gone = await settled(observers, 'both workers to drop the two-tab user', e => e.count === 17);
    assert.deepEqual(idsOf(gone), expectedIds);
    assert.deepEqual([ ...gone.clients ].sort(), expectedClients);
    assert.equal((await liveRow(live.id)).look_count, 53);
  });

  // Last: it kills a worker, and a test cluster does not fork another.
  it('unlists a dead worker\'s users within 30 s, as seen from the surviving worker', async function() {
    this.timeout(90000);
    const { live } = await openLive();
    const groups: Array<{ address: string; watcher: Observer; ids: number[]; all: Client[]; disconnected: Set<Client> }> = [];
    for (const address of ADDRESSES) {
      const watcher = await observer(address, live.id);
      const viewers = await newUsers(5);
      const sockets = await Promise.all(viewers.map(viewer => joined(address, viewer, live.id)));
      const all = [ watcher.socket, ...sockets ];
      const disconnected = new Set<Client>();
      for (const socket of all) socket.on('disconnect', () => disconnected.add(socket));
      groups.push({ address, watcher, ids: [ watcher.user.id, ...viewers.map(v => v.id) ], all, disconnected });
    }
    const holder = await assertSplitAcrossWorkers();
    await settled(groups.map(g => g.watcher), 'both workers to list the 12 users', e => e.count === 12);

    const [ victim ] = appWorkers();
    workerKilled = true;
    process.kill(victim, 'SIGKILL');
    const killedAt = Date.now();

    // The dead worker's connections close: every client of one address, and none of the other.
    await until('one address\'s clients to be disconnected', () => groups.some(g => g.disconnected.size === g.all.length), 10000);
    const dead = groups.filter(g => g.disconnected.size === g.all.length);
    const alive = groups.filter(g => g.disconnected.size === 0);
    assert.equal(dead.length, 1, `disconnected per address: ${groups.map(g => g.disconnected.size)}`);
    assert.equal(alive.length, 1, `disconnected per address: ${groups.map(g => g.disconnected.size)}`);
    assert.equal(holder.get(dead[0].address), victim, 'the clients that lost their connection were the killed worker\'s');

    // Its sockets never said goodbye: they go when the sweep finds their heartbeat stale (stale 15 s + heartbeat 5 s).
    const [ survivor ] = alive;
    const event = await settled([ survivor.watcher ], 'the surviving worker to drop the dead worker\'s users',
      e => e.count === 6, 35000);
    const waited = Date.now() - killedAt;
    assert(waited <= 30000, `the dead worker's users were listed for ${waited} ms`);
    assert.deepEqual(idsOf(event), [ ...survivor.ids ].sort(byId));
    assert.deepEqual([ ...event.clients ].sort(), survivor.all.map(publicIdOf).sort());
    assert.equal(event.action, 'leave');
    assert.equal(survivor.disconnected.size, 0, 'a client of the surviving worker was disconnected');
  });
});

// One after another: the in-process app's supertest servers reset connections under many parallel requests.
async function newUsers(n: number): Promise<LoggedIn[]> {
  const users: LoggedIn[] = [];
  for (let i = 0; i < n; i++) users.push(await registerAndLogin());
  return users;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
