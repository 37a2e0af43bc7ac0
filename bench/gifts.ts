import { setTimeout as sleep } from 'node:timers/promises';
import { Meter } from './lib/proc';
import { until } from '../test/lib/until';
import { latencyStats, mb, Options, Result, round } from './lib/report';
import { closeAll, connectUsers, isOk, joinAll, seedRoom } from './lib/room';
import { Seeder } from './lib/seed';
import { resetData, startProject } from './lib/servers';
import { SioClient } from './lib/sio';

const COINS = 1000000;
const GIFT_ID = 2; // 鲜花, 5 coins (the seeded catalogue)

// 200 users with coins send gifts to one room, each as soon as its last one is acknowledged. Two observers (one per
// worker) are in the room; the senders are not, so the figure is the payment path, not the fan-out (danmaku-fanout's).
export default async function gifts(options: Options): Promise<Result> {
  const senders = options.smoke ? 10 : 200;
  const seconds = options.smoke ? 2 : 20;
  await resetData();
  const seeder = await Seeder.open();
  const server = await startProject(2);
  let clients: SioClient[] = [];
  try {
    const room = await seedRoom(seeder, senders + 2, 'gifts', COINS);
    const [ price ] = (await seeder.query<{ coin: number }>('SELECT coin FROM gift WHERE id = ?', [ GIFT_ID ])).map(g => g.coin);
    const users = room.viewers;
    const coinsBefore = await coinsOf(seeder, room.id, users.map(u => u.id));
    clients = await connectUsers(server.url, users);
    // The last two connected (one from each source address, so one per worker) observe the room.
    const observers = clients.slice(senders);
    await joinAll(observers, users.slice(senders), room.id);
    await sleep(1000);

    // Emit times per sender name, oldest first, one queue per observer: a sender's gifts reach an observer in order.
    const pending = observers.map(() => new Map<string, number[]>());
    const latencies: number[] = [];
    const seen = observers.map(() => 0);
    observers.forEach((observer, o) => observer.on('gift', ({ username }: { username: string }) => {
      const sentAt = pending[o].get(username)?.shift();
      if (sentAt !== undefined) latencies.push(performance.now() - sentAt);
      seen[o]++;
    }));
    let ok = 0;
    const refusals = new Map<string, number>();
    const serverMeter = server.meter.begin();
    const clientMeter = new Meter().begin();
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(clients.slice(0, senders).map(async (client, i) => {
      const { username, token } = users[i];
      for (const queues of pending) queues.set(username, []);
      while (performance.now() < end) {
        const sentAt = performance.now();
        for (const queues of pending) queues.get(username)?.push(sentAt);
        const reply = await client.request('gift', { live_id: room.id, gift_id: GIFT_ID, token });
        if (isOk(reply)) {
          ok++;
        } else {
          const message = String(reply?.data?.payload);
          refusals.set(message, (refusals.get(message) ?? 0) + 1);
          for (const queues of pending) queues.get(username)?.pop();
        }
      }
    }));
    const elapsed = (performance.now() - start) / 1000;
    await until('every gift event', () => seen.every(count => count >= ok), 10000, 20).catch(() => undefined);
    const serverUse = serverMeter.end();
    const clientUse = clientMeter.end();

    const coinsAfter = await coinsOf(seeder, room.id, users.map(u => u.id));
    const [{ rows }] = await seeder.query<{ rows: number }>('SELECT COUNT(*) AS `rows` FROM live_gift WHERE live_id = ?', [ room.id ]);
    const stats = latencyStats(latencies);
    const perSecond = ok / elapsed;
    const conserved = coinsAfter.total === coinsBefore.total && coinsAfter.live === ok * price && Number(rows) === ok && coinsAfter.lowest >= 0;
    const bound = options.smoke ? Infinity : 100;
    const floor = options.smoke ? 0 : 500;
    return {
      scenario: 'gifts',
      columns: [ 'senders', 'seconds', 'committed gifts', 'gifts/s', 'p50 ms', 'p99 ms', 'max ms', 'events seen (per observer)', 'server CPU s', 'server peak RSS MB', 'client CPU s' ],
      rows: [[
        senders, round(elapsed, 1), ok, round(perSecond, 1), round(stats.p50, 1), round(stats.p99, 1), round(stats.max, 1),
        seen.join(' / '), round(serverUse.cpu), mb(serverUse.peakRss), round(clientUse.cpu),
      ]],
      targets: [
        { name: `≥ ${floor} gifts/s`, value: `${round(perSecond, 1)} gifts/s`, met: perSecond >= floor },
        { name: `p99 emit → gift event ≤ ${bound} ms`, value: `${round(stats.p99, 1)} ms`, met: stats.p99 <= bound },
        {
          name: 'coins conserved, none negative, one live_gift row per acknowledged gift',
          value: `coins ${coinsBefore.total} before, ${coinsAfter.total} after; room +${coinsAfter.live} for ${ok} × ${price}; ${rows} rows; lowest balance ${coinsAfter.lowest}`,
          met: conserved,
        },
      ],
      notes: [
        `gift ${GIFT_ID} (${price} coins); each sender starts with ${COINS} coins; the project: compiled, egg-scripts, 2 workers, sticky`,
        `refused: ${refusals.size ? [ ...refusals ].map(([ message, count ]) => `${count} × ${message}`).join(', ') : 'none'}`,
      ],
      data: { senders, seconds: elapsed, ok, perSecond, latency: stats, seen, coinsBefore, coinsAfter, rows, refusals: Object.fromEntries(refusals), serverUse, clientUse },
    };
  } finally {
    closeAll(clients);
    await server.stop();
    await seeder.close();
  }
}

async function coinsOf(seeder: Seeder, liveId: number, userIds: number[]) {
  const [ users ] = await seeder.query<{ total: string; lowest: number }>(
    'SELECT SUM(coin) AS total, MIN(coin) AS lowest FROM user WHERE id IN (?)', [ userIds ]);
  const [ live ] = await seeder.query<{ coin: number }>('SELECT coin FROM live WHERE id = ?', [ liveId ]);
  return { live: live.coin, lowest: users.lowest, total: Number(users.total) + live.coin };
}
