import { app, mm } from 'egg-mock/bootstrap';
import { randomBytes } from 'node:crypto';

// A username no other test (or earlier run against the same database) has taken: 'u' + 12 hex chars.
export function uniqueName(prefix = 'u'): string {
  return prefix + randomBytes(6).toString('hex');
}

// Registers and logs in a fresh user through the real API; answers the login data (user fields and token).
export async function registerAndLogin(password = 'secret-pass') {
  const username = uniqueName();
  await app.httpRequest().post('/api/reg').send({ username, password, repassword: password })
    .expect(200);
  const res = await app.httpRequest().post('/api/login').send({ username, password })
    .expect(200);
  return res.body.data as { id: number; username: string; token: string; coin: number };
}

// Keeps the lines of the loggers the tests inspect in memory (egg-mock's mockLog takes one logger at a time);
// expectLog then reads what was logged, never a file that may not be flushed yet.
export const LOGGERS = [ 'logger', 'coreLogger', 'errorLogger' ];
export function mockLogs() {
  for (const name of LOGGERS) app.mockLog(name);
}

// The schedule egg-schedule loaded from app/schedule/<name>.ts: its settings.
export function scheduleOf(name: string): unknown {
  const { schedules } = app as unknown as { schedules: Record<string, { key: string; schedule: unknown }> };
  return Object.values(schedules).find(item => item.key.includes(`/app/schedule/${name}.`))?.schedule;
}

export type Cluster = ReturnType<typeof mm.cluster>;

// The app as egg-scripts start --sticky runs it (a master, two app workers, the agent) on `port`, with extra
// environment variables; ready when it answers.
export async function stickyCluster(port: number, env: Record<string, string> = {}): Promise<Cluster> {
  const cluster = mm.cluster({
    workers: 2,
    sticky: true,
    port,
    cache: false,
    // The in-process app logs to the same folder; keep it.
    clean: false,
    opt: { env: { ...process.env, ...env } },
  } as Parameters<typeof mm.cluster>[0]);
  await cluster.ready();
  return cluster;
}
