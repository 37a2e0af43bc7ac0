// media-fanout: N HTTP-FLV players of one ~600 kbps stream, the project against a bare Node-Media-Server
// (bench/baseline/nms.js); the figure is the largest N each server holds (see KEEP_UP and HOLD).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signStream } from '../app/common/media_sign';
import { canPin, Meter, treeOf } from './lib/proc';
import { publish, Publisher } from '../test/lib/ffmpeg';
import { FlvPlayer, playFlv, playMany } from '../test/lib/flv_player';
import { until } from '../test/lib/until';
import { mb, Options, percentile, Result, round } from './lib/report';
import { Seeder } from './lib/seed';
import { BENCH_SECRETS, PORTS } from './lib/constants';
import { buildProject, resetData, Server, startBaseline, startProject } from './lib/servers';

// The clip loops exactly once per window (its length, a whole number of 2 s GOPs): every window holds the same bytes
// whatever its phase, where a part of a longer clip holds a few % more or less than the clip's average.
const SIZES = {
  full: { steps: [ 250, 500, 1000, 1500, 2000 ], windowSeconds: 10, warmupMs: 3000, connectMs: 90000 },
  smoke: { steps: [ 5 ], windowSeconds: 2, warmupMs: 500, connectMs: 20000 },
};
// A player keeps up with at least this share of the expected bytes; a server holds N with this share of players up.
const KEEP_UP = 0.95;
const HOLD = 0.99;
// Players start this many at a time, each given START_TIMEOUT for its first bytes; the time taken is a figure, not a criterion.
const CONCURRENCY = 100;
const START_TIMEOUT = 30000;

const SIGN = { publishSecret: BENCH_SECRETS.MEDIA_PUBLISH_SECRET, playSecret: BENCH_SECRETS.MEDIA_PLAY_SECRET, signTtl: 3600 };

// The clip, encoded once: a 640x360 25 fps H.264 test pattern at ~536 kbps CBR (a keyframe every 2 s) and 64 kbps
// AAC, ~600 kbps in all. Both cores may take it: the servers are still starting.
function encode(file: string, seconds: number): { proc: ChildProcess; done: Promise<void> } {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0',
    '-b:v', '536k', '-maxrate', '536k', '-bufsize', '536k', '-x264-params', 'nal-hrd=cbr',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2', '-f', 'flv', file,
  ];
  const [ command, argv ] = canPin() ? [ 'taskset', [ '-c', '0,1', 'ffmpeg', ...args ]] : [ 'ffmpeg', args ];
  const proc = spawn(command, argv, { stdio: [ 'ignore', 'ignore', 'pipe' ] });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => { stderr += chunk; });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120000);
    proc.on('error', reject);
    proc.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`bench: ffmpeg could not encode the clip (exit ${code}):\n${stderr}`));
    });
  });
  done.catch(() => undefined);
  return { proc, done };
}

// The agent of an egg-scripts tree: the process that runs the media server.
function agentOf(root: number): number | undefined {
  return treeOf(root).find(pid => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('agent_worker');
    } catch {
      return false;
    }
  });
}

// Waits (bounded) until the server spends less than 5% of a core: players cut, its buffers dropped.
async function untilIdle(server: Server, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const meter = server.meter.begin();
    await sleep(500);
    if (meter.end().cpu < 0.025) return;
  }
}

interface Contender {
  name: 'bare' | 'project';
  server: Server;
  playUrl: () => string;
  publisher?: Publisher;
  // The largest N held so far; stepping stops at the first N it does not hold.
  held: number;
  failed: boolean;
}

interface Step {
  server: 'bare' | 'project';
  players: number;
  // Players that got their first bytes; the others count as not keeping up.
  connected: number;
  keepingUp: number;
  fraction: number;
  held: boolean;
  connectSeconds: number;
  windowSeconds: number;
  expectedBytes: number;
  medianBytes: number;
  p1Bytes: number;
  // Players the server cut (or that broke, or never started) before the window ended, and why.
  ended: number;
  endings: Record<string, number>;
  serverCpu: number;
  serverPeakRssMb: number;
  // The project's agent (where Node-Media-Server runs) alone.
  agentCpu?: number;
  agentPeakRssMb?: number;
  clientCpu: number;
  clientPeakRssMb: number;
  // ffmpeg's stream time over wall time in the window: below 1, the publisher itself lagged.
  publisherPace: number;
}

// One player per stream (until it has a keyframe's worth of media) shows the stream plays.
async function plays(url: string, what: string): Promise<void> {
  const player = playFlv(url, { startTimeoutMs: 30000 });
  try {
    await player.started;
    await until(`${what} to play`, () => {
      if (player.ended) throw new Error(`bench: ${what}: ${player.ended}`);
      return player.bytes > 64 * 1024;
    }, 30000);
  } finally {
    player.close();
  }
}

export default async function run(options: Options): Promise<Result> {
  const size = options.smoke ? SIZES.smoke : SIZES.full;
  const dir = mkdtempSync(join(tmpdir(), 'cilicl-media-fanout-'));
  const clip = join(dir, 'clip.flv');
  const targets: Contender[] = [];
  let seeder: Seeder | undefined;
  let players: FlvPlayer[] = [];
  let encoder: ReturnType<typeof encode> | undefined;
  try {
    encoder = encode(clip, size.windowSeconds);
    await resetData();
    seeder = await Seeder.open();
    const [ owner ] = await seeder.users(1, 'media');
    // Not started: the publish turns it live.
    const room = await seeder.live(owner, 0);
    const path = `/live/${room.key}`;
    // Built first (it blocks), then both started side by side; one that started is stopped even if the other fails.
    buildProject();
    const starting = [ startBaseline('nms.js', {}, '/'), startProject(2) ];
    const [ bareServer, projectServer ] = await Promise.allSettled(starting);
    if (bareServer.status === 'fulfilled') {
      targets.push({ name: 'bare', server: bareServer.value, held: 0, failed: false,
        playUrl: () => `http://127.0.0.1:${PORTS.bareFlv}${path}.flv` });
    }
    if (projectServer.status === 'fulfilled') {
      targets.push({ name: 'project', server: projectServer.value, held: 0, failed: false,
        playUrl: () => `http://127.0.0.1:${PORTS.flv}${path}.flv?sign=${signStream(SIGN, 'play', room.key)}` });
    }
    for (const outcome of [ bareServer, projectServer ]) if (outcome.status === 'rejected') throw outcome.reason;
    await encoder.done;
    const clipBytes = statSync(clip).size;

    // Both servers get the stream for the whole run (an idle ingest costs the other well under 1% of the core).
    const [ bare, project ] = targets;
    bare.publisher = publish(`rtmp://127.0.0.1:${PORTS.bareRtmp}${path}`, { clip });
    project.publisher = publish(`rtmp://127.0.0.1:${PORTS.rtmp}${path}?sign=${signStream(SIGN, 'publish', room.key)}`, { clip });
    for (const target of targets) {
      await plays(target.playUrl(), `the stream of ${target.name}`).catch(err => {
        throw new Error(`${err.message}\nffmpeg: ${target.publisher?.stderr()}`);
      });
    }
    const stillPublishing = () => {
      for (const target of targets) {
        const proc = target.publisher?.proc;
        if (proc && (proc.exitCode !== null || proc.signalCode !== null)) {
          throw new Error(`bench: the publisher of ${target.name} exited: ${target.publisher?.stderr()}`);
        }
      }
    };

    // The stream's byte rate as one player per server receives it (counted as the players count: with the chunked
    // framing), over a window after the keyframe burst a player gets when it connects.
    const references = targets.map(target => playFlv(target.playUrl()));
    players = references;
    await Promise.all(references.map(player => player.started));
    await sleep(size.warmupMs);
    const refStart = references.map(player => player.bytes);
    const refT0 = performance.now();
    await sleep(size.windowSeconds * 1000);
    const refSeconds = (performance.now() - refT0) / 1000;
    const rates = references.map((player, i) => (player.ended ? NaN : (player.bytes - refStart[i]) / refSeconds));
    references.forEach(player => player.close());
    players = [];
    if (!(rates[0] > 0)) throw new Error(`bench: the reference player of the bare server got nothing (${references[0].ended})`);
    const rate = rates[0];

    const steps: Step[] = [];
    const step = async (target: Contender, n: number): Promise<Step> => {
      const pid = target.server.child.pid ?? 0;
      const agent = target.name === 'project' ? agentOf(pid) : undefined;
      const connectT0 = performance.now();
      players = await playMany(target.playUrl(), n, CONCURRENCY, size.connectMs, START_TIMEOUT);
      const connectSeconds = (performance.now() - connectT0) / 1000;
      await sleep(size.warmupMs);
      stillPublishing();
      const start = players.map(player => player.bytes);
      const agentMeter = agent ? new Meter(agent).begin() : undefined;
      const client = new Meter().begin();
      target.server.meter.begin();
      const position = target.publisher?.position() ?? 0;
      const t0 = performance.now();
      await sleep(size.windowSeconds * 1000);
      const windowSeconds = (performance.now() - t0) / 1000;
      // Players never started (the connect phase ran out of time) received nothing.
      const received = Array.from({ length: n }, (_, i) => players[i])
        .map((player, i) => (!player || player.ended ? -1 : player.bytes - start[i]));
      const pace = ((target.publisher?.position() ?? 0) - position) / windowSeconds;
      const server = target.server.meter.end();
      const own = client.end();
      const agentWindow = agentMeter?.end();
      const ended = players.filter(player => player.ended).length;
      const connected = players.filter(player => player.status === 200).length;
      const endings: Record<string, number> = {};
      for (const player of players) {
        if (player.ended) endings[player.ended] = (endings[player.ended] ?? 0) + 1;
      }
      players.forEach(player => player.close());
      players = [];
      const expected = rate * windowSeconds;
      const keepingUp = received.filter(bytes => bytes >= KEEP_UP * expected).length;
      const sorted = received.slice().sort((a, b) => a - b);
      const result: Step = {
        server: target.name,
        players: n,
        connected,
        endings,
        keepingUp,
        fraction: keepingUp / n,
        held: keepingUp >= HOLD * n,
        connectSeconds: round(connectSeconds),
        windowSeconds: round(windowSeconds),
        expectedBytes: Math.round(expected),
        medianBytes: percentile(sorted, 50),
        p1Bytes: percentile(sorted, 1),
        ended,
        serverCpu: round(server.cpu),
        serverPeakRssMb: mb(server.peakRss),
        ...(agentWindow ? { agentCpu: round(agentWindow.cpu), agentPeakRssMb: mb(agentWindow.peakRss) } : {}),
        clientCpu: round(own.cpu),
        clientPeakRssMb: mb(own.peakRss),
        publisherPace: round(pace, 3),
      };
      const agentPart = agentWindow ? ` (agent ${result.agentCpu} s, ${result.agentPeakRssMb} MB)` : '';
      console.log(`bench: media-fanout ${target.name} N=${n}: ${keepingUp}/${n} keep up, ${connected} started in` +
        ` ${result.connectSeconds} s, ${ended} ended; server ${result.serverCpu} s CPU, ${result.serverPeakRssMb} MB${agentPart};` +
        ` client ${result.clientCpu} s CPU over ${result.windowSeconds} s; median ${result.medianBytes}, p1 ${result.p1Bytes}` +
        ` of ${result.expectedBytes} bytes; publisher pace ${result.publisherPace}${ended ? `; ${JSON.stringify(endings)}` : ''}`);
      await untilIdle(target.server);
      return result;
    };

    // Bare then project at each N, so that noise on the machine hits both alike; a server that does not hold an N
    // is not tried at the larger ones.
    for (const n of size.steps) {
      for (const target of targets) {
        if (target.failed) continue;
        const result = await step(target, n);
        steps.push(result);
        if (result.held) target.held = n;
        else target.failed = true;
      }
      if (targets.every(target => target.failed)) break;
    }

    const at = (name: string, n: number) => steps.find(s => s.server === name && s.players === n);
    const pct = (s?: Step) => (s ? `${round(s.fraction * 100, 1)}%` : '-');
    const rows = size.steps.map(n => {
      const [ b, p ] = [ at('bare', n), at('project', n) ];
      return [ n, pct(b), pct(p), b?.serverCpu ?? '-', p?.serverCpu ?? '-', b?.serverPeakRssMb ?? '-', p?.serverPeakRssMb ?? '-',
        `${b?.clientCpu ?? '-'} / ${p?.clientCpu ?? '-'}`, `${b?.connectSeconds ?? '-'} / ${p?.connectSeconds ?? '-'}` ];
    });
    const ratio = bare.held ? project.held / bare.held : NaN;
    const top = size.steps[size.steps.length - 1];
    const notes = [
      `stream ${round(rate * 8 / 1000, 1)} kbps as received by one player of the bare server over ${round(refSeconds, 1)} s` +
        ` (project: ${round(rates[1] * 8 / 1000, 1)} kbps; clip file ${round(clipBytes * 8 / size.windowSeconds / 1000, 1)} kbps);` +
        ` a player keeps up with ≥ ${KEEP_UP * 100}% of rate × window, a server holds N with ≥ ${HOLD * 100}% of its players up`,
      `window ${size.windowSeconds} s per step (the clip's length: it loops once per window), after all N players` +
        ` connected (${CONCURRENCY} at a time) and ${size.warmupMs / 1000} s of warm-up; CPU and peak RSS of the server's` +
        ' whole process tree over the window (project: master, agent, 2 workers); client = the load generator (CPU 1);' +
        ` connect s = time to start all N players (${START_TIMEOUT / 1000} s allowed to each)`,
      'both servers got the stream from their own ffmpeg (-re -stream_loop -1 -c copy) for the whole run; players played' +
        ' the measured server only',
    ];
    if (bare.held === top || project.held === top) notes.push(`N = ${top} is the largest step: a server holding it may hold more`);
    const lagging = steps.filter(s => s.publisherPace < 0.97);
    if (lagging.length) {
      notes.push(`the publisher lagged real time (pace < 0.97) at ${lagging.map(s => `${s.server} N=${s.players}`).join(', ')}`);
    }
    const busyClient = steps.filter(s => s.clientCpu > 0.9 * s.windowSeconds);
    if (busyClient.length) {
      notes.push(`the load generator used > 90% of its core at ${busyClient.map(s => `${s.server} N=${s.players}`).join(', ')}:` +
        ' those steps may measure the client');
    }
    return {
      scenario: 'media-fanout',
      columns: [
        'N', 'bare keep-up', 'project keep-up', 'bare CPU s', 'project CPU s', 'bare RSS MB', 'project RSS MB', 'client CPU s (b / p)',
        'connect s (b / p)',
      ],
      rows,
      targets: [{
        name: 'max N ≥ 0.95× bare',
        value: `project ${project.held}, bare ${bare.held} (${round(ratio)}x)`,
        met: project.held >= 0.95 * bare.held,
      }],
      notes,
      data: {
        rateBytesPerSecond: Math.round(rate),
        projectRateBytesPerSecond: Math.round(rates[1]),
        referenceSeconds: round(refSeconds),
        clipBytes,
        windowSeconds: size.windowSeconds,
        warmupMs: size.warmupMs,
        keepUp: KEEP_UP,
        hold: HOLD,
        concurrency: CONCURRENCY,
        startTimeoutMs: START_TIMEOUT,
        connectMs: size.connectMs,
        maxN: { bare: bare.held, project: project.held },
        steps,
      },
    };
  } finally {
    players.forEach(player => player.close());
    if (encoder?.proc.exitCode === null) encoder.proc.kill('SIGKILL');
    await Promise.all(targets.map(target => target.publisher?.stop()));
    await Promise.all(targets.map(target => target.server.stop()));
    await seeder?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
