import { ChildProcess, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_DATABASE, BENCH_PREFIX, BENCH_SECRETS, PORTS, ROOT } from './constants';
import { Seeder } from './seed';
import { Meter, spawnServer, stopServer, treeOf } from './proc';
import { until } from '../../test/lib/until';

const BUILD = resolve(ROOT, process.env.BENCH_BUILD_DIR || 'bench/.build/app');
const BIN = join(ROOT, 'node_modules/.bin');

export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...BENCH_SECRETS,
    EGG_SERVER_ENV: 'prod',
    MYSQL_DATABASE: BENCH_DATABASE,
    REDIS_KEY_PREFIX: BENCH_PREFIX,
    PORT: String(PORTS.app),
    RTMP_PORT: String(PORTS.rtmp),
    FLV_PORT: String(PORTS.flv),
    MEDIA_BIND: '127.0.0.1',
    // media-fanout plays up to 2000 players from one address, past the production caps (app/lib/connection_limits.ts).
    MEDIA_MAX_CONNECTIONS: '5000',
    MEDIA_MAX_CONNECTIONS_PER_IP: '5000',
    // rest registers its login users (50 at full size) from one address, past the production 20 an hour.
    REGISTER_RATE_LIMIT: '1000',
    TRUST_PROXY: 'false',
    CORS_ORIGINS: '*',
    ...extra,
  };
}

let built = false;

// What egg-scripts and the database scripts need of a tree.
const APP_ENTRIES = [ 'app', 'config', 'database', 'typings', 'app.ts', 'agent.ts', 'package.json', 'tsconfig.json', '.sequelizerc' ];

// What egg-scripts loads, copied from `source` into `target` and compiled there, `node_modules` linked to this tree's.
function compile(source: string, target: string): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of APP_ENTRIES) {
    cpSync(join(source, entry), join(target, entry), { recursive: true });
  }
  rmSync(join(target, 'typings/app'), { recursive: true, force: true });
  rmSync(join(target, 'typings/config'), { recursive: true, force: true });
  symlinkSync(join(ROOT, 'node_modules'), join(target, 'node_modules'));
  // The JavaScript `npm run tsc` emits, without its type check (npm test does that): a third of the time.
  execFileSync(join(BIN, 'tsc'), [ '-p', 'tsconfig.json', '--noCheck' ], { cwd: target, stdio: [ 'ignore', 'inherit', 'inherit' ] });
}

// The app as production runs it: compiled as by `npm run tsc` (here in a copy under bench/.build, so the working tree
// never holds compiled .js that Egg would load before its .ts), started by egg-scripts.
export function buildProject(): string {
  if (!built) compile(ROOT, BUILD);
  built = true;
  return BUILD;
}

// Whether this clone holds commit `revision` (a shallow clone may not).
export function hasRevision(revision: string): boolean {
  try {
    execFileSync('git', [ 'cat-file', '-e', `${revision}^{commit}` ], { cwd: ROOT, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The app as it was at commit `revision` of this repository, compiled the same way beside the project's build, with
// this tree's node_modules. Needs the repository's history (a clone, not a shallow one).
export function buildRevision(revision: string): string {
  const source = `${BUILD}-${revision}-source`;
  const target = `${BUILD}-${revision}`;
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  try {
    const archive = execFileSync('git', [ 'archive', '--format=tar', revision, ...APP_ENTRIES ], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', [ '-x', '-C', source ], { input: archive });
    compile(source, target);
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  return target;
}

let reset = false;

// A fresh bench database (dropped, created, migrated, seeded with the gift catalogue) and no bench keys in Redis (the
// online lists of a former run's room ids), once per run: every scenario makes rooms and users of its own.
export async function resetData(): Promise<void> {
  if (reset) return;
  reset = true;
  await Seeder.dropDatabase();
  execFileSync('npm', [ 'run', '--silent', 'db:init' ], { cwd: ROOT, env: benchEnv(), stdio: [ 'ignore', 'ignore', 'inherit' ] });
  const seeder = await Seeder.open();
  try {
    await seeder.clearRedis();
  } finally {
    await seeder.close();
  }
}

export function httpStatus(url: string): Promise<number> {
  return new Promise(done => {
    const req = request(url, res => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(0));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  meter: Meter;
  // Every process of the server after three forced garbage collections (bench/lib/probe.js).
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

export interface Memory {
  // Sums over the server's processes, in bytes, each read right after its collections.
  rss: number;
  heapUsed: number;
  // Memory outside V8's heap that V8 knows of (Buffers, ArrayBuffers).
  external: number;
  processes: number;
}

// The probe preloaded into each process of a server (bench/lib/probe.js), answering in a folder of its own.
function probeEnv(): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cilicl-bench-probe-'));
  const options = [ process.env.NODE_OPTIONS, `--require ${join(ROOT, 'bench/lib/probe.js')}` ].filter(Boolean).join(' ');
  return {
    dir,
    env: {
      NODE_OPTIONS: options,
      BENCH_PROBE_DIR: dir,
      BENCH_CPU_PROF: process.env.BENCH_CPU_PROF ? '1' : '',
      BENCH_HEAP_SNAPSHOT: process.env.BENCH_HEAP_SNAPSHOT ? resolve(process.env.BENCH_HEAP_SNAPSHOT) : '',
    },
  };
}

function signalTree(root: number, signal: NodeJS.Signals): number[] {
  const pids = treeOf(root);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function probeMemory(child: ChildProcess, dir: string): Promise<Memory> {
  const asked = Date.now();
  const pids = signalTree(child.pid as number, 'SIGUSR2');
  const read = (pid: number) => {
    try {
      const memory = JSON.parse(readFileSync(join(dir, `mem-${pid}.json`), 'utf8'));
      return memory.at >= asked ? memory : null;
    } catch {
      return null;
    }
  };
  // A snapshot of a full worker takes seconds; three collections, well under one.
  await until(`memory of ${pids.length} processes`, async () => pids.every(pid => read(pid)), 120000, 100);
  const all = pids.map(read);
  return {
    rss: all.reduce((sum, m) => sum + m.rss, 0),
    heapUsed: all.reduce((sum, m) => sum + m.heapUsed, 0),
    external: all.reduce((sum, m) => sum + m.external, 0),
    processes: pids.length,
  };
}

// With BENCH_CPU_PROF=<folder>: every process writes its profile (SIGWINCH, see probe.js) before the server stops.
async function collectProfiles(name: string, child: ChildProcess, dir: string): Promise<void> {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder || child.exitCode !== null || !child.pid) return;
  const pids = signalTree(child.pid, 'SIGWINCH');
  const written = () => readdirSync(dir).filter(file => file.endsWith('.cpuprofile'));
  await until(`CPU profiles of ${pids.length} processes`, async () => written().length >= pids.length, 30000, 200)
    .catch(err => console.error(String(err)));
  mkdirSync(folder, { recursive: true });
  const prefix = name.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '');
  for (const file of written()) renameSync(join(dir, file), join(resolve(folder), `${prefix}-${basename(file)}`));
}

async function started(name: string, child: ChildProcess, url: string, readyUrl: string, timeoutMs: number, probeDir: string): Promise<Server> {
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await until(`${name} on ${readyUrl}`, async () => {
      if (child.exitCode !== null) throw new Error(`bench: ${name} exited (${child.exitCode}):\n${output}`);
      return await httpStatus(readyUrl) === 200;
    }, timeoutMs, 250);
  } catch (err) {
    await stopServer(child);
    rmSync(probeDir, { recursive: true, force: true });
    throw err;
  }
  return {
    name, url, child, meter: new Meter(child.pid),
    memory: () => probeMemory(child, probeDir),
    stop: async () => {
      await collectProfiles(name, child, probeDir);
      await stopServer(child);
      // The probe's files; a moment for the last writes of processes that were stopping.
      await sleep(100);
      rmSync(probeDir, { recursive: true, force: true });
    },
  };
}

// egg-scripts start, sticky, in its own process group; with BENCH_CPU_PROF=<dir> each of its processes profiles there
// (bench/lib/probe.js).
export async function startEggApp(name: string, baseDir: string, workers: number, port: number, env: NodeJS.ProcessEnv, readyPath: string): Promise<Server> {
  const probe = probeEnv();
  const child = spawnServer(process.execPath, [
    join(BIN, 'egg-scripts'), 'start', `--workers=${workers}`, '--sticky', `--port=${port}`, `--title=cilicl-live-bench-${port}`,
  ], { cwd: baseDir, env: { ...env, ...probe.env } });
  const url = `http://127.0.0.1:${port}`;
  return started(name, child, url, url + readyPath, 90000, probe.dir);
}

// At smoke size one project serves every scenario that asks for the same shape (six starts were most of the time, and
// the smoke measures nothing); the runner stops them at the end.
let sharing = false;
const shared = new Map<string, Promise<Server>>();

// The project in production shape: compiled, egg-scripts, `workers` workers, sticky, media server in the agent.
export async function startProject(workers: number, extraEnv: Record<string, string> = {}): Promise<Server> {
  if (!sharing) {
    return startEggApp(`the project (${workers} worker${workers > 1 ? 's' : ''})`, buildProject(), workers, PORTS.app,
      benchEnv(extraEnv), '/api/gift/list');
  }
  const shape = JSON.stringify([ workers, extraEnv ]);
  let server = shared.get(shape);
  if (!server) {
    // Other shapes on ports of their own, past the baselines'; the plain one keeps PORTS, where media-fanout finds its
    // media server.
    const plain = JSON.stringify([ 2, {}]);
    const offset = shape === plain ? 0 : 200 * (1 + [ ...shared.keys() ].filter(key => key !== plain).length);
    const port = PORTS.app + offset;
    server = startEggApp(`the project (${workers} workers, shared)`, buildProject(), workers, port, benchEnv({
      ...extraEnv, PORT: String(port), RTMP_PORT: String(PORTS.rtmp + offset), FLV_PORT: String(PORTS.flv + offset),
    }), '/api/gift/list');
    shared.set(shape, server);
  }
  // Stopped by stopSharedProjects(), not by the scenario.
  return { ...await server, stop: async () => undefined };
}

export function shareProjects(): void {
  sharing = true;
}

export async function stopSharedProjects(): Promise<void> {
  const servers = await Promise.allSettled(shared.values());
  shared.clear();
  await Promise.all(servers.map(outcome => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)));
}

// A bare baseline: one node process running a script of bench/baseline, listening on PORTS.bare.
export async function startBaseline(script: string, env: Record<string, string> = {}, readyPath = '/'): Promise<Server> {
  const file = join(ROOT, 'bench/baseline', script);
  if (!existsSync(file)) throw new Error(`bench: no baseline ${file}`);
  const probe = probeEnv();
  const child = spawnServer(process.execPath, [ file ], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORTS.bare), RTMP_PORT: String(PORTS.bareRtmp), FLV_PORT: String(PORTS.bareFlv), ...env, ...probe.env },
  });
  const url = `http://127.0.0.1:${PORTS.bare}`;
  return started(`the baseline ${script}`, child, url, url + readyPath, 30000, probe.dir);
}
