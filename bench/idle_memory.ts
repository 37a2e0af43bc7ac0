import { setTimeout as sleep } from 'node:timers/promises';
import { usageOf } from './lib/proc';
import { mb, Options, percentile, Result, round } from './lib/report';
import { closeAll, connectUsers, joinAll, untilSilent, seedRoom } from './lib/room';
import { Seeder } from './lib/seed';
import { resetData, Server, startBaseline, startProject } from './lib/servers';

interface Step {
  server: string;
  viewers: number;
  emptyRss: number;
  fullRss: number;
  perViewer: number;
}

// The server's resident memory (every process: egg's master, agent and workers) with N joined, idle viewers, above
// the same server with none.
export default async function idleMemory(options: Options): Promise<Result> {
  const n = options.smoke ? 50 : 2000;
  // V8 keeps a burst's garbage as heap for a while, then its memory reducer gives it back: read both figures after
  // that (15 s was not always enough; 45 s was), as the server stands once its viewers have sat idle.
  const settleMs = options.smoke ? 500 : 45000;
  await resetData();
  const seeder = await Seeder.open();
  const servers: Server[] = [];
  const steps: Step[] = [];
  try {
    const bare = await startBaseline('socketio.js');
    servers.push(bare);
    const project = await startProject(2);
    servers.push(project);
    // Once each, on servers that have had no client yet: memory a server keeps after its clients leave would make a
    // second round's empty figure meaningless.
    steps.push(await idle(seeder, bare, 'bare socket.io', n, settleMs));
    steps.push(await idle(seeder, project, 'project, 2 workers', n, settleMs));
  } finally {
    await Promise.all(servers.map(server => server.stop()));
    await seeder.close();
  }
  const [ bareStep, projectStep ] = steps;
  const ratio = projectStep.perViewer / bareStep.perViewer;
  return {
    scenario: 'idle-memory',
    columns: [ 'server', 'viewers', 'empty RSS MB', `RSS with ${n} MB`, 'KB per viewer' ],
    rows: steps.map(s => [ s.server, s.viewers, mb(s.emptyRss), mb(s.fullRss), round(s.perViewer / 1024, 1) ]),
    targets: [{
      name: 'RSS per viewer ≤ 1.5x bare',
      value: `${round(projectStep.perViewer / 1024, 1)} KB vs ${round(bareStep.perViewer / 1024, 1)} KB (${round(ratio)}x)`,
      met: options.smoke || ratio <= 1.5,
    }],
    notes: [
      `RSS: the median of 10 samples over 2 s, summed over every process of the server, read ${settleMs / 1000} s after the last change (empty, then joined); the project's viewers joined one room through joinLive with their tokens, the bare ones joined a room too`,
    ],
    data: { steps, ratio },
  };
}

async function medianRss(server: Server): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    samples.push(usageOf(server.child.pid as number).rss);
    await sleep(200);
  }
  return percentile(samples.sort((a, b) => a - b), 50);
}

async function idle(seeder: Seeder, server: Server, name: string, n: number, settleMs: number): Promise<Step> {
  const room = await seedRoom(seeder, n, `idle${n}_${Date.now() % 1e6}`);
  // A first small room comes and goes before the empty server is measured: start-up garbage collected, code warm,
  // pools and connections open, as on a server that has been up a while.
  const warmUp = room.viewers.slice(0, Math.min(100, n));
  const warmClients = await connectUsers(server.url, warmUp);
  await joinAll(warmClients, warmUp, room.id);
  closeAll(warmClients);
  await sleep(settleMs);
  const emptyRss = await medianRss(server);
  const clients = await connectUsers(server.url, room.viewers);
  try {
    await joinAll(clients, room.viewers, room.id);
    await untilSilent(clients, 'online', 1000, 30000);
    await sleep(settleMs);
    const fullRss = await medianRss(server);
    return { server: name, viewers: n, emptyRss, fullRss, perViewer: (fullRss - emptyRss) / n };
  } finally {
    closeAll(clients);
  }
}
