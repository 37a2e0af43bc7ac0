import assert from 'node:assert';
import { EventGate } from '../../../app/lib/event_gate';

// A task that finishes when told to, and says when it started.
function task(log: string[], name: string) {
  let finish: (fail?: boolean) => void = () => {};
  const done = new Promise<string>((resolve, reject) => {
    finish = fail => (fail ? reject(new Error(name)) : resolve(name));
  });
  return { run: () => { log.push(name); return done; }, finish: (fail?: boolean) => finish(fail) };
}

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('test/app/lib/event_gate.test.ts', () => {
  it('runs at most its limit at once; the others start in arrival order as places free up, also after a failure', async () => {
    const gate = new EventGate(() => 2);
    const log: string[] = [];
    const tasks = [ 'a', 'b', 'c', 'd' ].map(name => task(log, name));
    const results = tasks.map(t => gate.run(t.run).catch((err: Error) => `failed ${err.message}`));
    await tick();
    assert.deepEqual(log, [ 'a', 'b' ]);
    assert.deepEqual(gate.size, { running: 2, waiting: 2 });
    tasks[1].finish(true);
    await tick();
    assert.deepEqual(log, [ 'a', 'b', 'c' ]);
    tasks[0].finish();
    await tick();
    assert.deepEqual(log, [ 'a', 'b', 'c', 'd' ]);
    assert.deepEqual(gate.size, { running: 2, waiting: 0 });
    tasks[2].finish();
    tasks[3].finish();
    assert.deepEqual(await Promise.all(results), [ 'a', 'failed b', 'c', 'd' ]);
    assert.deepEqual(gate.size, { running: 0, waiting: 0 });
  });

  it('reads its limit at each event', async () => {
    let limit = 1;
    const gate = new EventGate(() => limit);
    const log: string[] = [];
    const [ a, b, c ] = [ 'a', 'b', 'c' ].map(name => task(log, name));
    const first = gate.run(a.run);
    const second = gate.run(b.run);
    await tick();
    assert.deepEqual(log, [ 'a' ]);
    limit = 2;
    const third = gate.run(c.run);
    await tick();
    assert.deepEqual(log, [ 'a', 'c' ]);
    a.finish();
    c.finish();
    await tick();
    assert.deepEqual(log, [ 'a', 'c', 'b' ]);
    b.finish();
    await Promise.all([ first, second, third ]);
  });
});
