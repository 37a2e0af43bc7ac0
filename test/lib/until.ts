import { setTimeout as sleep } from 'node:timers/promises';

// Polls every `everyMs` until check() answers true, or fails after `timeoutMs` naming what was awaited.
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
