import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export function ffmpegInstalled(): boolean {
  return spawnSync('ffmpeg', [ '-version' ], { stdio: 'ignore' }).status === 0;
}

export interface Publisher {
  proc: ChildProcess;
  // The exit code, once ffmpeg has exited.
  exited: Promise<number | null>;
  // ffmpeg's position in the stream (-progress), in seconds: in real time it moves on as fast as the wall clock.
  position(): number;
  // The last 4000 characters ffmpeg wrote to stderr.
  stderr(): string;
  stop(): Promise<number | null>;
}

// What ffmpeg publishes: a clip file looped as it is (codecs copied), or a generated test pattern (H.264 video, AAC
// audio) for `seconds`; with a video bitrate (e.g. '6M') the pattern is noisy enough to take all of it.
export type Source = { clip: string } | { seconds: number; bitrate?: string };

function inputArgs(source: Source): string[] {
  if ('clip' in source) return [ '-stream_loop', '-1', '-i', source.clip, '-c', 'copy' ];
  const { bitrate } = source;
  return [
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    ...bitrate ? [ '-vf', 'noise=alls=60:allf=t', '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', '1M' ] : [],
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-t', String(source.seconds),
  ];
}

// ffmpeg publishing `source` in real time (-re) to an RTMP URL.
export function publish(url: string, source: Source = { seconds: 120 }): Publisher {
  const proc = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.1',
    '-re', ...inputArgs(source), '-f', 'flv', url,
  ], { stdio: [ 'ignore', 'pipe', 'pipe' ] });
  let outTime = 0;
  let progress = '';
  let stderr = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    progress = (progress + chunk.toString()).slice(-1000);
    const times = [ ...progress.matchAll(/out_time_us=(\d+)/g) ];
    if (times.length) outTime = Number(times[times.length - 1][1]) / 1e6;
  });
  proc.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  proc.on('error', err => { stderr += String(err); });
  const exited = new Promise<number | null>(resolve => proc.once('exit', code => resolve(code)));
  return {
    proc,
    exited,
    position: () => outTime,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      return exited;
    },
  };
}

// Whether ffmpeg is still publishing after `ms`: a refused publisher is disconnected and exits with an error.
export async function stillRunningAfter(publisher: Publisher, ms: number): Promise<boolean> {
  const outcome = await Promise.race([ publisher.exited.then(() => 'exited'), sleep(ms).then(() => 'running') ]);
  return outcome === 'running';
}
