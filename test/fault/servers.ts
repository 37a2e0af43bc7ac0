import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Whether a program is on the PATH.
export function installed(program: string): boolean {
  try {
    execFileSync('sh', [ '-c', `command -v ${program}` ], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// A server of the test's own (never the machine's MariaDB on 3306 or Redis on 6379): started on its port, stopped
// by its pid only, started again on the same port and data.
export abstract class OwnServer {
  private child?: ChildProcess;

  readonly port: number;
  // Its data, its log and its socket: a temporary folder of the test's.
  readonly dir: string;

  constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  protected abstract command(): [ string, string[] ];

  get pid(): number | undefined {
    return this.child?.pid;
  }

  // Started, and answering on its port within 30 s.
  async start(): Promise<void> {
    const [ program, args ] = this.command();
    const log = openSync(path.join(this.dir, `${path.basename(program)}.log`), 'a');
    const child = spawn(program, args, { stdio: [ 'ignore', log, log ] });
    closeSync(log);
    this.child = child;
    const deadline = Date.now() + 30000;
    while (!await answers(this.port)) {
      if (child.exitCode !== null) throw new Error(`${program} exited with ${child.exitCode}; see ${this.dir}`);
      if (Date.now() > deadline) throw new Error(`${program} does not answer on ${this.port}; see ${this.dir}`);
      await sleep(100);
    }
  }

  // Killed by its pid (as a crash or an OOM kill would end it), and gone.
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

export class OwnRedis extends OwnServer {
  protected command(): [ string, string[] ] {
    return [ 'redis-server', [ '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--dir', this.dir ]];
  }
}

export class OwnMariadb extends OwnServer {
  private get datadir() {
    return path.join(this.dir, 'data');
  }

  // The system tables, with a root user without password (run once, before the first start).
  install(): void {
    execFileSync('mariadb-install-db', [ '--no-defaults', `--datadir=${this.datadir}`, '--auth-root-authentication-method=normal',
      ...this.asRoot() ], { stdio: 'ignore' });
  }

  protected command(): [ string, string[] ] {
    return [ 'mariadbd', [ '--no-defaults', `--datadir=${this.datadir}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${path.join(this.dir, 'sock')}`, `--pid-file=${path.join(this.dir, 'pid')}`, ...this.asRoot() ]];
  }

  // mariadbd refuses to run as root unless told to.
  private asRoot(): string[] {
    return process.getuid?.() === 0 ? [ '--user=root' ] : [];
  }
}
