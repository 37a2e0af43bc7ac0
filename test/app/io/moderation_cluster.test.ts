import assert from 'node:assert';
import { ChildProcess, execFileSync } from 'node:child_process';
import { app } from 'egg-mock/bootstrap';
import { Cluster, registerAndLogin, stickyCluster } from '../../support';
import { freePort } from '../../media_support';
import { until } from '../../lib/until';
import { Client, closeClients, connect, errorsOf, OnlineEvent, openLive, record, Reply, request } from '../../socket_support';

type LoggedIn = Awaited<ReturnType<typeof registerAndLogin>>;

// egg-cluster's sticky master picks a worker by the client's address: these two land on different workers
// (test/app/io/cluster.test.ts).
const FIRST = '127.0.0.1';
const SECOND = '127.0.0.2';
// What "at once" means across workers here.
const AT_ONCE = 2000;

// A mute, a kick and a ban issued through one worker take effect for the sockets the other worker holds.
describe('test/app/io/moderation_cluster.test.ts', function() {
  this.timeout(120000);

  let cluster: Cluster;
  let port: number;
  let url: string;

  before(async function() {
    // Three processes compile the app before they answer: slow on a busy machine.
    this.timeout(300000);
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cluster = await stickyCluster(port);
  });

  afterEach(() => closeClients());

  after(async () => {
    closeClients();
    await cluster?.close();
  });

  // The app worker holding each address's connections: two different workers.
  async function assertSplit() {
    const master = (cluster as unknown as { process: ChildProcess }).process.pid;
    const workers = execFileSync('ps', [ '-o', 'pid=,args=', '--ppid', String(master) ], { encoding: 'utf8' })
      .split('\n').filter(line => line.includes('app_worker.js'))
      .map(line => Number(line.trim().split(/\s+/)[0]));
    // The peer address of each established connection to the cluster (the master hands each to a worker).
    const holder = (address: string) => {
      const out = execFileSync('ss', [ '-tnpH', 'state', 'established', `( sport = :${port} )` ], { encoding: 'utf8' });
      const pids = out.split('\n').filter(line => /\s(?:\[(?:::ffff:)?)?(\d+\.\d+\.\d+\.\d+)\]?:\d+\s+users:/.exec(line)?.[1] === address)
        .flatMap(line => [ ...line.matchAll(/pid=(\d+)/g) ].map(match => Number(match[1])));
      return new Set(pids);
    };
    await until('each address to be held by one worker', () => holder(FIRST).size === 1 && holder(SECOND).size === 1, 5000);
    const [ first ] = holder(FIRST);
    const [ second ] = holder(SECOND);
    assert(workers.includes(first) && workers.includes(second), `holders ${first}, ${second}; workers ${workers}`);
    assert.notEqual(first, second, 'both addresses were sent to the same worker');
  }

  async function joined(address: string, user: LoggedIn, liveId: number): Promise<Client> {
    const socket = await connect(url, { localAddress: address });
    const reply = await request(socket, 'joinLive', { live_id: liveId, token: user.token });
    assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' });
    return socket;
  }

  async function send(socket: Client, event: string, payload: object): Promise<Reply> {
    return request(socket, event, payload);
  }

  it('a mute and a kick sent to one worker take effect on the other\'s sockets within 2 s', async () => {
    const { owner, live } = await openLive();
    const viewer = await registerAndLogin();
    const ownerSocket = await joined(FIRST, owner, live.id);
    const online = record<OnlineEvent>(ownerSocket, 'online');
    const viewerSocket = await joined(SECOND, viewer, live.id);
    await assertSplit();

    const muted = await send(ownerSocket, 'mute', { live_id: live.id, user_id: viewer.id, seconds: 60, token: owner.token });
    assert.deepEqual(muted.data, { action: 'ok', payload: 'ok' });
    let answer: Reply | undefined;
    await until('the viewer\'s danmaku to be refused on the other worker', async () => {
      answer = await send(viewerSocket, 'comment', { live_id: live.id, data: 'hi', token: viewer.token });
      return answer.data.action === 'error';
    }, AT_ONCE);
    assert.match(answer!.data.payload as string, /^你已被禁言，还剩 \d+ 秒$/);

    const kicked = await send(ownerSocket, 'kick', { live_id: live.id, user_id: viewer.id, seconds: 60, token: owner.token });
    assert.deepEqual(kicked.data, { action: 'ok', payload: 'ok' });
    await until('the kick notice on the other worker', () => errorsOf(viewerSocket).includes('你已被移出直播间，60 秒内不能再进入'), AT_ONCE);
    await until('the owner\'s worker to tell an online list without the viewer', () => {
      const last = online[online.length - 1];
      return last !== undefined && !last.data.some(user => user.id === viewer.id);
    }, AT_ONCE);
    const again = await send(viewerSocket, 'joinLive', { live_id: live.id, token: viewer.token });
    assert.match(again.data.payload as string, /^你已被移出该直播间，还剩 \d+ 秒才能再进入$/);
  });

  it('a ban cuts the user\'s sockets on both workers within 2 s', async () => {
    const { owner, live } = await openLive();
    const viewer = await registerAndLogin();
    const watcher = await joined(FIRST, owner, live.id);
    const sockets = [ await joined(FIRST, viewer, live.id), await joined(SECOND, viewer, live.id) ];
    await assertSplit();
    // Issued in this test's own process, as a console worker would.
    await app.mockContext().service.moderation.ban({ kind: 'manager', id: 1 }, viewer.id);
    await until('both of the viewer\'s sockets to be cut', () => sockets.every(socket => socket.disconnected), AT_ONCE);
    for (const socket of sockets) assert(errorsOf(socket).includes('你的账号已被禁用'));
    assert(watcher.connected);
    const fresh = await connect(url, { localAddress: SECOND });
    const refused = await send(fresh, 'joinLive', { live_id: live.id, token: viewer.token });
    assert.equal(refused.data.payload, 'Token 令牌不合法!');
  });
});
