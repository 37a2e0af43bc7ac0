import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { InFlight } from '../../../app/lib/in_flight';

describe('test/app/lib/in_flight.test.ts', () => {
  it('drains once the work under way has finished, and marks closing', async () => {
    const inFlight = new InFlight();
    let finished = false;
    const work = inFlight.track(async () => {
      await sleep(200);
      finished = true;
      return 'done';
    });
    assert.equal(inFlight.size, 1);
    const started = Date.now();
    assert.equal(await inFlight.drain(5000), 0);
    assert(finished, 'drain resolved before the work finished');
    assert(Date.now() - started < 1000);
    assert.equal(inFlight.closing, true);
    assert.equal(await work, 'done');
  });

  it('gives up after its timeout, answering what still runs', async () => {
    const inFlight = new InFlight();
    const stuck = inFlight.track(() => sleep(1000));
    const started = Date.now();
    assert.equal(await inFlight.drain(100), 1);
    assert(Date.now() - started < 500);
    await stuck;
    assert.equal(inFlight.size, 0);
  });

  it('counts work that fails as finished too', async () => {
    const inFlight = new InFlight();
    await assert.rejects(inFlight.track(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(inFlight.size, 0);
    assert.equal(await inFlight.drain(10), 0);
  });

  it('counts work marked by enter() and leave() (an HTTP request) like tracked work', async () => {
    const inFlight = new InFlight();
    inFlight.enter();
    setTimeout(() => inFlight.leave(), 150);
    const started = Date.now();
    assert.equal(await inFlight.drain(5000), 0);
    assert(Date.now() - started >= 100, 'drain resolved while the request was still under way');
    assert.equal(inFlight.size, 0);
  });
});
