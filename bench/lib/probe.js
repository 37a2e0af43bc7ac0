'use strict';

// Preloaded (NODE_OPTIONS=--require) into every process of a server under test, when BENCH_PROBE_DIR is set: egg's
// master, agent and workers, or a bare baseline. Nothing of it is in the app. It answers two signals:
// - SIGUSR2: three full garbage collections, then this process's memory as JSON in <dir>/mem-<pid>.json (and, with
//   BENCH_HEAP_SNAPSHOT=<folder>, a heap snapshot there): what the process keeps, without the garbage V8 has not given
//   back yet;
// - SIGWINCH: with BENCH_CPU_PROF=1, the CPU profile since start (or since the last SIGWINCH) in
//   <dir>/<script>-<pid>-<n>.cpuprofile. V8's own --cpu-prof writes only at a normal exit, which egg's workers, stopped
//   by signal, never reach.
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const dir = process.env.BENCH_PROBE_DIR;

if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const write = (name, text) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file + '.tmp', text);
    fs.renameSync(file + '.tmp', file);
  };

  process.on('SIGUSR2', () => {
    for (let i = 0; i < 3; i++) gc();
    const snapshots = process.env.BENCH_HEAP_SNAPSHOT;
    if (snapshots) {
      fs.mkdirSync(snapshots, { recursive: true });
      v8.writeHeapSnapshot(path.join(snapshots, `${path.basename(process.argv[1] || 'node', '.js')}-${process.pid}-${Date.now()}.heapsnapshot`));
    }
    const memory = process.memoryUsage();
    write(`mem-${process.pid}.json`, JSON.stringify({ pid: process.pid, title: process.title, at: Date.now(), ...memory }));
  });

  if (process.env.BENCH_CPU_PROF === '1') {
    const inspector = require('inspector');
    const session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
    session.post('Profiler.start');
    let count = 0;
    process.on('SIGWINCH', () => {
      session.post('Profiler.stop', (err, result) => {
        if (!err) write(`${path.basename(process.argv[1] || 'node', '.js')}-${process.pid}-${++count}.cpuprofile`, JSON.stringify(result.profile));
        session.post('Profiler.start');
      });
    });
  }
}
