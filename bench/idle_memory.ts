import { setTimeout as sleep } from 'node:timers/promises';
import { mb, median, Options, Result, round } from './lib/report';
import { closeAll, connectUsers, joinAll, untilSilent, seedRoom, Room } from './lib/room';
import { Seeder } from './lib/seed';
import { Memory, resetData, Server, startBaseline, startProject } from './lib/servers';

interface Round {
  empty: Memory;
  full: Memory;
  // Bytes per viewer above the empty server.
  rss: number;
  heap: number;
}

interface Step {
  server: string;
  viewers: number;
  rounds: Round[];
  // Medians over the rounds.
  rss: number;
  heap: number;
}

const KB = (bytes: number) => round(bytes / 1024, 1);

// The server's memory (every process: egg's master, agent and workers) with N joined, idle viewers, above the same
// server with none. Each reading follows three forced collections in every process (bench/lib/probe.js), so it is
// what the server keeps, not the garbage V8 has yet to give back; the rounds say how far one reading can be trusted.
export default async function idleMemory(options: Options): Promise<Result> {
  const n = options.smoke ? 50 : 2000;
  const rounds = options.smoke ? 1 : 3;
  await resetData();
  const seeder = await Seeder.open();
  const bareRounds: Round[] = [];
  const projectRounds: Round[] = [];
  try {
    const room = await seedRoom(seeder, n, `idle${n}_${Date.now() % 1e6}`);
    // A fresh pair of servers each round: neither RSS nor V8's heap gives its high-water mark back to the system, so
    // a second round on the same server would measure only what grew past the first.
    for (let i = 0; i < rounds; i++) {
      bareRounds.push(await idle(() => startBaseline('socketio.js'), room));
      projectRounds.push(await idle(() => startProject(2), room));
    }
  } finally {
    await seeder.close();
  }
  const step = (server: string, done: Round[]): Step => ({
    server, viewers: n, rounds: done, rss: median(done.map(r => r.rss)), heap: median(done.map(r => r.heap)),
  });
  const steps = [ step('bare socket.io', bareRounds), step('project, 2 workers', projectRounds) ];
  const [ bareStep, projectStep ] = steps;
  const ratio = projectStep.rss / bareStep.rss;
  const rows: Array<Array<string | number>> = [];
  for (const step of steps) {
    step.rounds.forEach((r, i) => rows.push([ step.server, i + 1, n, mb(r.empty.rss), mb(r.full.rss), KB(r.rss), mb(r.empty.heapUsed), mb(r.full.heapUsed), KB(r.heap) ]));
  }
  const spread = (step: Step) => `${KB(Math.min(...step.rounds.map(r => r.rss)))}–${KB(Math.max(...step.rounds.map(r => r.rss)))}`;
  return {
    scenario: 'idle-memory',
    columns: [ 'server', 'round', 'viewers', 'empty RSS MB', 'full RSS MB', 'RSS KB / viewer', 'empty heap MB', 'full heap MB', 'heap KB / viewer' ],
    rows,
    targets: [{
      name: 'RSS per viewer ≤ 2x bare',
      value: `${KB(projectStep.rss)} KB vs ${KB(bareStep.rss)} KB (${round(ratio)}x; medians of ${rounds} rounds, project ${spread(projectStep)}, bare ${spread(bareStep)})`,
      met: options.smoke || ratio <= 2,
    }],
    notes: [
      'each reading: every process of the server (project: egg-scripts, master, agent, 2 workers) collects its garbage three times (global.gc, preloaded by bench/lib/probe.js), then reports process.memoryUsage(); RSS and V8 heap in use are the sums over the processes',
      `a round: a server just started; a first room of 100 viewers comes and goes, the empty server is read, ${n} viewers connect and join one room (the project's through joinLive with their tokens), and once no online event has come for 1 s and 3 s more have passed the full server is read; then it stops. Bare and project alternate, ${rounds} rounds each`,
      `heap KB / viewer: the project ${KB(projectStep.heap)}, bare ${KB(bareStep.heap)} (medians)`,
    ],
    data: { steps, ratio },
  };
}

async function idle(start: () => Promise<Server>, room: Room): Promise<Round> {
  const n = room.viewers.length;
  const server = await start();
  try {
    // Start-up garbage collected, code warm, pools and connections open, as on a server that has been up a while.
    const warmUp = room.viewers.slice(0, Math.min(100, n));
    const warmClients = await connectUsers(server.url, warmUp);
    await joinAll(warmClients, warmUp, room.id);
    closeAll(warmClients);
    await sleep(3000);
    const empty = await server.memory();
    const clients = await connectUsers(server.url, room.viewers);
    try {
      await joinAll(clients, room.viewers, room.id);
      await untilSilent(clients, 'online', 1000, 30000);
      await sleep(3000);
      const full = await server.memory();
      return { empty, full, rss: (full.rss - empty.rss) / n, heap: (full.heapUsed - empty.heapUsed) / n };
    } finally {
      closeAll(clients);
    }
  } finally {
    await server.stop();
  }
}
