import { setTimeout as sleep } from 'node:timers/promises';
import { Meter, within } from './lib/proc';
import { mb, Options, percentile, Result, round } from './lib/report';
import { closeAll, connectUsers, isOk, seedRoom } from './lib/room';
import { Seeder } from './lib/seed';
import { resetData, startProject } from './lib/servers';
import { SioClient } from './lib/sio';

// N viewers, already connected, all send joinLive to one room at once. Done when every viewer's latest `online`
// event counts N. The online lists are coalesced per room and worker, so the messages grow as N, not N².
export default async function joinStorm(options: Options): Promise<Result> {
  const sizes = options.smoke ? [ 10, 20 ] : [ 500, 1000, 2000 ];
  await resetData();
  const seeder = await Seeder.open();
  const server = await startProject(2);
  const steps: Array<Record<string, number>> = [];
  try {
    for (const n of sizes) {
      const room = await seedRoom(seeder, n, `storm${n}`);
      const clients = await connectUsers(server.url, room.viewers);
      try {
        steps.push(await storm(clients, room.viewers.map(v => v.token), room.id, server.meter));
      } finally {
        closeAll(clients);
      }
      // Lets the disconnects' clean-up finish before the next step is measured.
      await sleep(options.smoke ? 500 : 3000);
    }
  } finally {
    await server.stop();
    await seeder.close();
  }
  const cpuOf = (n: number) => steps.find(step => step.viewers === n)?.serverCpu ?? NaN;
  const [ small, large ] = options.smoke ? [ 10, 20 ] : [ 1000, 2000 ];
  const growth = cpuOf(large) / cpuOf(small);
  return {
    scenario: 'join-storm',
    columns: [ 'viewers', 'all see count = N (s)', 'server CPU s', 'server peak RSS MB', 'online events / viewer (median, max)', 'client CPU s' ],
    rows: steps.map(s => [ s.viewers, round(s.seconds), round(s.serverCpu), s.serverRssMb, `${s.eventsMedian}, ${s.eventsMax}`, round(s.clientCpu) ]),
    targets: [{
      name: `server CPU(${large}) / CPU(${small}) ≤ 2.5`,
      value: `${round(cpuOf(large))} s / ${round(cpuOf(small))} s = ${round(growth)}x`,
      met: growth <= 2.5,
    }],
    notes: [ 'the project: compiled, egg-scripts, 2 workers, sticky; viewers connect first (not timed), then all join at once over WebSocket from 127.0.0.1 and 127.0.0.2' ],
    data: { steps },
  };
}

async function storm(clients: SioClient[], tokens: string[], liveId: number, serverMeter: Meter): Promise<Record<string, number>> {
  const n = clients.length;
  const latest = new Array<number>(n).fill(0);
  const events = new Array<number>(n).fill(0);
  let settled = 0;
  let done: () => void;
  const allSeeN = new Promise<void>(resolve => { done = resolve; });
  clients.forEach((client, i) => client.on('online', ({ count }: { count: number }) => {
    events[i]++;
    if (latest[i] !== n && count === n) settled++;
    else if (latest[i] === n && count !== n) settled--;
    latest[i] = count;
    if (settled === n) done();
  }));
  const server = serverMeter.begin();
  const client = new Meter().begin();
  const start = performance.now();
  const replies = await Promise.all(clients.map((c, i) => c.request('joinLive', { live_id: liveId, token: tokens[i] })));
  const refused = replies.filter(reply => !isOk(reply)).length;
  if (refused) throw new Error(`bench: ${refused} of ${n} joins refused: ${JSON.stringify(replies.find(reply => !isOk(reply)))}`);
  await within(allSeeN, 60000, () => `only ${settled} of ${n} viewers saw count ${n}`);
  const seconds = (performance.now() - start) / 1000;
  // The last coalesced `online` events of each worker go out within one interval (500 ms) of the last change.
  await sleep(1000);
  const serverUse = server.end();
  const clientUse = client.end();
  const sorted = [ ...events ].sort((a, b) => a - b);
  return {
    viewers: n,
    seconds,
    serverCpu: serverUse.cpu,
    serverRssMb: mb(serverUse.peakRss),
    clientCpu: clientUse.cpu,
    eventsMedian: percentile(sorted, 50),
    eventsMax: sorted[n - 1],
  };
}
