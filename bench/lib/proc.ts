import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

// The server gets one core and the load generator (this process) the other, where the machine has two.
export const SERVER_CPU = '0';
export const CLIENT_CPU = '1';

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux
const PAGE = 4096;

export function canPin(): boolean {
  return process.platform === 'linux' && cpus().length >= 2 && hasCommand('taskset');
}

function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some(dir => {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// Started in its own process group, so stop() reaches every process it forks (egg's master, agent, workers).
export function spawnServer(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const [ cmd, argv ] = canPin() ? [ 'taskset', [ '-c', SERVER_CPU, command, ...args ]] : [ command, args ];
  return spawn(cmd, argv, { stdio: [ 'ignore', 'pipe', 'pipe' ], ...options, detached: true });
}

export async function stopServer(child: ChildProcess, graceMs = 10000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  const group = -child.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
  // The master waits for its workers, but a stray one (reparented, still in the group) must not outlive the scenario.
  try {
    process.kill(group, 'SIGKILL');
  } catch {
    // the group is gone
  }
}

interface Stat { pid: number; ppid: number; cpu: number; rss: number }

function statOf(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      cpu: (Number(fields[11]) + Number(fields[12])) / TICKS,
      rss: Number(fields[21]) * PAGE,
    };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

// The process and all its descendants.
export function treeOf(root: number, stats = allStats()): number[] {
  const pids = [ root ];
  for (let i = 0; i < pids.length; i++) {
    for (const stat of stats) if (stat.ppid === pids[i]) pids.push(stat.pid);
  }
  return pids.filter(pid => stats.some(stat => stat.pid === pid));
}

export interface Usage {
  // CPU seconds (user + system) of each process of the tree, since it started.
  cpu: Map<number, number>;
  // Resident memory of the whole tree now, in bytes.
  rss: number;
}

export function usageOf(root: number): Usage {
  const stats = allStats();
  const tree = new Set(treeOf(root, stats));
  const cpu = new Map<number, number>();
  let rss = 0;
  for (const stat of stats) {
    if (!tree.has(stat.pid)) continue;
    cpu.set(stat.pid, stat.cpu);
    rss += stat.rss;
  }
  return { cpu, rss };
}

export function ownUsage(): Usage {
  const { user, system } = process.cpuUsage();
  return { cpu: new Map([[ process.pid, (user + system) / 1e6 ]]), rss: process.memoryUsage.rss() };
}

export interface Window {
  cpu: number;
  peakRss: number;
}

// CPU seconds and peak RSS of a process tree (or this process) over a window; the peak is one sample's tree-wide sum.
export class Meter {
  private readonly read: () => Usage;
  private start = new Map<number, number>();
  private last = new Map<number, number>();
  private peak = 0;
  private timer?: NodeJS.Timeout;

  constructor(root?: number) {
    this.read = root === undefined ? ownUsage : () => usageOf(root);
  }

  begin(): this {
    const usage = this.read();
    this.start = usage.cpu;
    this.last = new Map(usage.cpu);
    this.peak = usage.rss;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
    return this;
  }

  end(): Window {
    clearInterval(this.timer);
    this.sample();
    let cpu = 0;
    for (const [ pid, seconds ] of this.last) cpu += seconds - (this.start.get(pid) ?? 0);
    return { cpu, peakRss: this.peak };
  }

  private sample(): void {
    const usage = this.read();
    for (const [ pid, seconds ] of usage.cpu) this.last.set(pid, seconds);
    this.peak = Math.max(this.peak, usage.rss);
  }
}

// Re-runs this very command on the client core (true: the caller has nothing more to do); the servers it starts
// are put on the other core by spawnServer().
export function relaunchPinned(): boolean {
  if (!canPin() || process.env.BENCH_PINNED) return false;
  const child = spawn('taskset', [ '-c', CLIENT_CPU, process.execPath, ...process.execArgv, ...process.argv.slice(1) ], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const signal of [ 'SIGINT', 'SIGTERM' ] as const) process.on(signal, () => child.kill(signal));
  return true;
}

// The promise's value, or an error naming `what` once timeoutMs have passed.
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${timeoutMs} ms: ${what()}`)), timeoutMs);
  });
  try {
    return await Promise.race([ promise, timeout ]);
  } finally {
    clearTimeout(timer);
  }
}

// The machine's CPU time stolen by the hypervisor (Linux /proc/stat), in ticks: on a shared virtual machine the
// other tenants' load shows here, and a scenario run during much of it measures the neighbours too.
export function cpuTicks(): { steal: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1)
      .map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((sum, n) => sum + n, 0) };
  } catch {
    return { steal: 0, total: 0 };
  }
}
