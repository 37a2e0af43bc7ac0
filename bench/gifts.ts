import { setTimeout as sleep } from 'node:timers/promises';
import { Meter, Window } from './lib/proc';
import { until } from '../test/lib/until';
import { latencyStats, mb, Options, Result, round } from './lib/report';
import { closeAll, connectUsers, isOk, Room, seedRoom, untilSilent } from './lib/room';
import { Seeder } from './lib/seed';
import { resetData, Server, startProject } from './lib/servers';
import { SioClient } from './lib/sio';

const COINS = 1000000;
const GIFT_ID = 2; // 鲜花, 5 coins (the seeded catalogue)
// A gift the load generator got no answer to: paid or not, the database says.
const UNANSWERED = 'unanswered within 120 s';

interface Sizes {
  // Closed loop: senders that each send again as soon as acknowledged.
  closedSenders: number;
  // Open loop: gifts per second in all, spread over this many senders.
  rate: number;
  openSenders: number;
  // The room with viewers: how many, and how many senders make its `rate` gifts per second (a few fans on combo).
  viewers: number;
  roomSenders: number;
  seconds: number;
}

const FULL: Sizes = { closedSenders: 200, rate: 500, openSenders: 100, viewers: 2000, roomSenders: 20, seconds: 20 };
const SMOKE: Sizes = { closedSenders: 10, rate: 50, openSenders: 10, viewers: 20, roomSenders: 5, seconds: 2 };

interface Run {
  mode: string;
  senders: number;
  viewers: number;
  seconds: number;
  ok: number;
  refused: Record<string, number>;
  latency: ReturnType<typeof latencyStats>;
  // Per viewer (the observers, or every viewer of the room): `gift` events, and the coins they add up to.
  events: number[];
  shown: number[];
  coinsBefore: Coins;
  coinsAfter: Coins;
  rows: number;
  price: number;
  serverUse: Window;
  clientUse: Window;
}

// Three ways into one room: the payment path in a closed loop (200 senders, each sending again once acknowledged),
// then in an open loop (a fixed 500 gifts/s, latency emit → acknowledgement), then the same rate into a room of 2000
// joined viewers, where each sender's runs of gifts are told as one event with num (GIFT_COALESCE_MS). Every viewer
// (or observer) must add up, from gift_coin × num, exactly the coins the room gained.
export default async function gifts(options: Options): Promise<Result> {
  const sizes = options.smoke ? SMOKE : FULL;
  await resetData();
  const seeder = await Seeder.open();
  const server = await startProject(2);
  const runs: Run[] = [];
  try {
    const [{ coin: price }] = await seeder.query<{ coin: number }>('SELECT coin FROM gift WHERE id = ?', [ GIFT_ID ]);
    runs.push(await payment(seeder, server, 'closed loop, 2 observers', sizes.closedSenders, 2, sizes.seconds, 0, price));
    runs.push(await payment(seeder, server, `open loop ${sizes.rate}/s, 2 observers`, sizes.openSenders, 2, sizes.seconds, sizes.rate, price));
    runs.push(await payment(seeder, server, `open loop ${sizes.rate}/s, ${sizes.viewers} viewers`, sizes.roomSenders, sizes.viewers, sizes.seconds, sizes.rate, price));
  } finally {
    await server.stop();
    await seeder.close();
  }
  return report(runs, sizes, options);
}

// `senders` users send gift GIFT_ID to a fresh room of `viewers` joined viewers for `seconds`: each as soon as its
// last is acknowledged (rate 0), or `rate` per second in all, on schedule whatever the answers (open loop).
async function payment(seeder: Seeder, server: Server, mode: string, senders: number, viewers: number, seconds: number, rate: number, price: number): Promise<Run> {
  const room = await seedRoom(seeder, senders + viewers, `gifts${Date.now() % 1e6}`, COINS);
  const users = room.viewers;
  let clients: SioClient[] = [];
  try {
    const coinsBefore = await coinsOf(seeder, room, users.map(u => u.id));
    clients = await connectUsers(server.url, users);
    // The viewers alternate between the two source addresses, so half are on each worker; the senders are not in
    // the room.
    const watching = clients.slice(senders);
    // 100 joins at a time, each refused one (a busy machine's pool or Redis timeout) tried again: 2000 at once would
    // measure join-storm.
    for (let from = 0; from < watching.length; from += 100) {
      await Promise.all(watching.slice(from, from + 100).map(async (viewer, i) => {
        for (let attempt = 1; ; attempt++) {
          const reply = await viewer.request('joinLive', { live_id: room.id, token: users[senders + from + i].token });
          if (isOk(reply)) return;
          if (attempt === 5) throw new Error(`bench: a join refused 5 times: ${JSON.stringify(reply)}`);
          await sleep(500);
        }
      }));
    }
    await untilSilent(watching, 'online', 1000, 30000);

    const events = watching.map(() => 0);
    const shown = watching.map(() => 0);
    watching.forEach((viewer, v) => viewer.on('gift', ({ gift_coin: coin, num }: { gift_coin: number; num: number }) => {
      events[v]++;
      shown[v] += coin * num;
    }));
    const latencies: number[] = [];
    let ok = 0;
    const refused = new Map<string, number>();
    const send = async (i: number) => {
      const sentAt = performance.now();
      // A generous timeout: a gift still unanswered then may yet be paid, and is counted apart (unanswered).
      const reply = await clients[i].request('gift', { live_id: room.id, gift_id: GIFT_ID, token: users[i].token }, 120000)
        .catch(err => ({ data: { payload: UNANSWERED, error: err.message } }));
      latencies.push(performance.now() - sentAt);
      if (isOk(reply)) {
        ok++;
      } else {
        const message = String(reply?.data?.payload);
        refused.set(message, (refused.get(message) ?? 0) + 1);
      }
    };

    const serverMeter = server.meter.begin();
    const clientMeter = new Meter().begin();
    const start = performance.now();
    const end = start + seconds * 1000;
    if (rate > 0) {
      // Open loop: the i-th gift is due at start + i / rate, from sender i mod senders.
      const pending: Array<Promise<void>> = [];
      let sent = 0;
      while (performance.now() < end) {
        const due = Math.floor(((performance.now() - start) / 1000) * rate);
        for (; sent < due; sent++) pending.push(send(sent % senders));
        await sleep(2);
      }
      await Promise.all(pending);
    } else {
      await Promise.all(Array.from({ length: senders }, async (_, i) => {
        while (performance.now() < end) await send(i);
      }));
    }
    const elapsed = (performance.now() - start) / 1000;
    // Quiet first: no payment still running on the server (one unanswered at the client may still commit).
    await quiet(seeder, room);
    const coinsAfter = await coinsOf(seeder, room, users.map(u => u.id));
    const gained = coinsAfter.live - coinsBefore.live;
    // The last runs are told when their window ends; a viewer behind on its socket gets them later.
    await until('every viewer to be told every coin', () => shown.every(coins => coins >= gained), 60000, 50).catch(() => undefined);
    await sleep(1000);
    const serverUse = serverMeter.end();
    const clientUse = clientMeter.end();
    const [{ rows }] = await seeder.query<{ rows: number }>('SELECT COUNT(*) AS `rows` FROM live_gift WHERE live_id = ?', [ room.id ]);
    return {
      mode, senders, viewers, seconds: elapsed, ok, refused: Object.fromEntries(refused), latency: latencyStats(latencies),
      events, shown, coinsBefore, coinsAfter, rows: Number(rows), price, serverUse, clientUse,
    };
  } finally {
    closeAll(clients);
  }
}

function report(runs: Run[], sizes: Sizes, options: Options): Result {
  const [ closed, open, room ] = runs;
  const perSecond = (run: Run) => run.ok / run.seconds;
  const exact = (run: Run) => {
    const gained = run.coinsAfter.live - run.coinsBefore.live;
    // Every acknowledged gift is a row; a gift left unanswered may be one too (paid after the client gave up).
    const unanswered = run.refused[UNANSWERED] ?? 0;
    return run.coinsAfter.total === run.coinsBefore.total && gained === run.rows * run.price && run.rows >= run.ok &&
      run.rows <= run.ok + unanswered && run.coinsAfter.lowest >= 0 && run.shown.every(coins => coins === gained);
  };
  const eventsPerViewer = (run: Run) => run.events.reduce((a, b) => a + b, 0) / run.events.length / run.seconds;
  const cpuPerGift = (run: Run) => (run.serverUse.cpu * 1000) / Math.max(1, run.ok);
  const floor = options.smoke ? 0 : 1000;
  const bound = options.smoke ? Infinity : 100;
  return {
    scenario: 'gifts',
    columns: [ 'mode', 'senders', 'viewers', 'seconds', 'acknowledged gifts', 'gifts/s', 'ack p50 ms', 'ack p99 ms', 'ack max ms',
      'events / viewer / s', 'viewers told exactly', 'server CPU s', 'server CPU ms / gift', 'server peak RSS MB', 'client CPU s' ],
    rows: runs.map(run => {
      const gained = run.coinsAfter.live - run.coinsBefore.live;
      return [
        run.mode, run.senders, run.viewers, round(run.seconds, 1), run.ok, round(perSecond(run), 1), round(run.latency.p50, 1),
        round(run.latency.p99, 1), round(run.latency.max, 1), round(eventsPerViewer(run), 1),
        `${run.shown.filter(coins => coins === gained).length} / ${run.shown.length}`, round(run.serverUse.cpu),
        round(cpuPerGift(run)), mb(run.serverUse.peakRss), round(run.clientUse.cpu),
      ];
    }),
    targets: [
      { name: `closed loop ≥ ${floor} committed gifts/s`, value: `${round(perSecond(closed), 1)} gifts/s`, met: perSecond(closed) >= floor },
      { name: `open loop ${sizes.rate}/s: p99 emit → acknowledgement ≤ ${bound} ms`, value: `${round(open.latency.p99, 1)} ms`, met: open.latency.p99 <= bound },
      {
        name: 'coins conserved, none negative, one live_gift row per acknowledged gift (and none per refused one), every viewer told gift_coin × num = the room\'s gain',
        value: runs.map(run => `${run.mode}: room +${run.coinsAfter.live - run.coinsBefore.live} for ${run.rows} rows × ${run.price} (${run.ok} acknowledged, ${run.refused[UNANSWERED] ?? 0} unanswered), lowest balance ${run.coinsAfter.lowest}, coins ${run.coinsBefore.total} → ${run.coinsAfter.total}`).join('; '),
        met: runs.every(exact),
      },
    ],
    notes: [
      `gift ${GIFT_ID} (${closed.price} coins); each sender starts with ${COINS} coins; the project: compiled, egg-scripts, 2 workers, sticky, GIFT_COALESCE_MS at its default (300)`,
      `the room with viewers: ${room.viewers} viewers joined over both workers, ${sizes.rate} gifts/s from ${room.senders} senders (${sizes.rate / room.senders} each per second): events / viewer / s is what coalescing leaves of ${sizes.rate} gifts/s`,
      'open loop: gift i is emitted at i / rate s whatever the answers, from sender i mod senders; latency is emit → acknowledgement (the commit), events are coalesced so they are not timed',
      `refused: ${runs.map(run => `${run.mode}: ${Object.keys(run.refused).length ? Object.entries(run.refused).map(([ message, count ]) => `${count} × ${message}`).join(', ') : 'none'}`).join('; ')}`,
    ],
    data: { sizes, runs },
  };
}

interface Coins { live: number; lowest: number; total: number }

// The senders' and the room's coins in one statement (one consistent read).
async function coinsOf(seeder: Seeder, room: Room, userIds: number[]): Promise<Coins> {
  const [ row ] = await seeder.query<{ total: string; lowest: number; live: number }>(
    'SELECT SUM(coin) AS total, MIN(coin) AS lowest, (SELECT coin FROM live WHERE id = ?) AS live FROM user WHERE id IN (?)',
    [ room.id, userIds ]);
  return { live: Number(row.live), lowest: Number(row.lowest), total: Number(row.total) + Number(row.live) };
}

// Until the room's live_gift rows stop growing for 2 s (at most 60 s).
async function quiet(seeder: Seeder, room: Room): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const [{ rows }] = await seeder.query<{ rows: number }>('SELECT COUNT(*) AS `rows` FROM live_gift WHERE live_id = ?', [ room.id ]);
    if (Number(rows) === last) return;
    last = Number(rows);
    await sleep(2000);
  }
}
