import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { app } from 'egg-mock/bootstrap';
import { LiveStatus } from '../app/model/live';
import { publish, Publisher } from './lib/ffmpeg';
import { until } from './lib/until';
import { freePort } from './media_support';
import { Cluster, stickyCluster, uniqueName } from './support';

export interface LiveRoom {
  id: number;
  key: string;
  publisher: Publisher;
  // The play signature, and the URLs read answers.
  sign: string;
  playUrl: string;
  wsPlayUrl: string;
}

const MEDIA_LOG = path.join(process.cwd(), 'logs', 'cilicl-live', 'media.log');

// The project as production runs it (two sticky workers, the agent's media server) with extra environment variables,
// a user of its own, and what the media tests ask of it.
export class MediaCluster {
  cluster!: Cluster;
  api = '';
  rtmpPort = 0;
  flvPort = 0;
  private token = '';
  private readonly publishers: Publisher[] = [];

  async start(env: Record<string, string>): Promise<void> {
    this.rtmpPort = await freePort();
    this.flvPort = await freePort();
    const port = await freePort();
    this.api = `http://127.0.0.1:${port}`;
    this.cluster = await stickyCluster(port, {
      MEDIA_SERVER: 'on', RTMP_PORT: String(this.rtmpPort), FLV_PORT: String(this.flvPort), PUBLIC_HOST: '127.0.0.1',
      LIVE_CACHE_TTL: '600', ...env,
    });
    const username = uniqueName();
    const password = 'media-pass';
    assert.equal((await this.call('POST', '/api/reg', { username, password, repassword: password })).status, 200);
    this.token = (await this.call('POST', '/api/login', { username, password })).body.data.token;
  }

  async close(): Promise<void> {
    await this.stopPublishers();
    await this.cluster?.close();
  }

  async stopPublishers(): Promise<void> {
    await Promise.all(this.publishers.splice(0).map(p => p.stop()));
  }

  async call(method: string, url: string, body?: unknown) {
    const res = await fetch(this.api + url, {
      method,
      headers: { 'content-type': 'application/json', ...this.token ? { token: this.token } : {} },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as { msg: string; data: any } };
  }

  // A new room, live with ffmpeg publishing into it at `bitrate` (e.g. '6M'), and its play URLs.
  async liveRoom(bitrate?: string): Promise<LiveRoom> {
    const created = await this.call('POST', '/api/live/create', { title: 'media limits room' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { id, key } = created.body.data.data;
    const publisher = publish(created.body.data.publish_url, { seconds: 120, bitrate });
    this.publishers.push(publisher);
    await until('the room to go live', async () => (await app.model.Live.findByPk(id))?.status === LiveStatus.Live);
    const read = await this.call('GET', `/api/live/read/${id}`);
    const { sign, play_url: playUrl, ws_play_url: wsPlayUrl } = read.body.data;
    return { id, key, publisher, sign, playUrl, wsPlayUrl };
  }

  // The agent's resident memory in MB (it runs the media server).
  agentRss(): number {
    // egg-mock's cluster has the master's process, untyped.
    const master = (this.cluster as unknown as { process: { pid: number } }).process.pid;
    const children = execFileSync('ps', [ '-o', 'pid=,args=', '--ppid', String(master) ]).toString();
    const agent = children.split('\n').find(line => line.includes('agent_worker'));
    assert(agent, `no agent among the master's children:\n${children}`);
    const status = readFileSync(`/proc/${parseInt(agent, 10)}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  }
}

// Where media.log ends now: expectLogged() reads only what comes after it.
export async function logMark(): Promise<number> {
  return (await stat(MEDIA_LOG).catch(() => ({ size: 0 }))).size;
}

// Waits until every pattern matches media.log after `mark` (the file logger flushes each second); answers that text.
export async function expectLogged(mark: number, patterns: RegExp[], ms = 10000): Promise<string> {
  const read = async () => (await readFile(MEDIA_LOG)).subarray(mark).toString('utf8');
  await until('lines in media.log', async () => {
    const log = await read();
    return patterns.every(line => line.test(log));
  }, ms).catch(async err => {
    const log = await read();
    throw new Error(`${err.message}; missing: ${patterns.filter(line => !line.test(log)).join(' ')}`);
  });
  return read();
}
