// npm run bench [-- <scenario>...]: every scenario (or the named ones) at full size; npm run bench:smoke: all at tiny sizes.
import { cpuTicks, relaunchPinned } from './lib/proc';
import { machine, Options, print, Result, save, Scenario } from './lib/report';
import { shareProjects, stopSharedProjects } from './lib/servers';
import mediaFanout from './media_fanout';
import danmakuFanout from './danmaku_fanout';
import gifts from './gifts';
import rest from './rest';
import joinStorm from './join_storm';
import idleMemory from './idle_memory';

const SCENARIOS: Record<string, Scenario> = {
  'media-fanout': mediaFanout,
  'danmaku-fanout': danmakuFanout,
  gifts,
  rest,
  'join-storm': joinStorm,
  'idle-memory': idleMemory,
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const options: Options = { smoke: args.includes('--smoke') };
  const names = args.filter(arg => !arg.startsWith('--'));
  const unknown = names.filter(name => !SCENARIOS[name]);
  if (unknown.length) {
    console.error(`bench: unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    return 2;
  }
  const chosen = names.length ? names : Object.keys(SCENARIOS);
  if (options.smoke) shareProjects();
  console.log(`bench: ${chosen.join(', ')}${options.smoke ? ' (smoke)' : ''} on ${JSON.stringify(machine())}`);
  const summary: Array<{ name: string; result?: Result; error?: string; seconds: number; steal: number }> = [];
  for (const name of chosen) {
    const startedAt = new Date();
    const ticks = cpuTicks();
    const stolen = () => {
      const now = cpuTicks();
      return Math.round((100 * (now.steal - ticks.steal)) / Math.max(1, now.total - ticks.total));
    };
    try {
      const result = await SCENARIOS[name](options);
      const steal = stolen();
      result.notes = [ ...result.notes ?? [], `CPU stolen by the hypervisor during the scenario: ${steal}% of the machine's time` ];
      print(result, options);
      console.log(`bench: ${name} figures in ${save(result, options, startedAt)}`);
      summary.push({ name, result, seconds: (Date.now() - startedAt.getTime()) / 1000, steal });
    } catch (err) {
      console.error(`bench: ${name} failed:`, err);
      summary.push({ name, error: (err as Error).message, seconds: (Date.now() - startedAt.getTime()) / 1000, steal: stolen() });
    }
  }
  await stopSharedProjects();
  console.log('\nbench: summary');
  for (const { name, result, error, seconds, steal } of summary) {
    const targets = result?.targets.map(t => `${t.name}: ${t.met ? 'met' : 'MISSED'}`).join('; ') || 'no target';
    console.log(`- ${name} (${Math.round(seconds)} s, ${steal}% stolen): ${error ? `FAILED (${error})` : targets}`);
  }
  // A smoke run proves the harness works: a scenario that fails to run fails it, a missed target does not.
  return summary.some(entry => entry.error) ? 1 : 0;
}

if (!relaunchPinned()) {
  main().then(code => process.exit(code), err => {
    console.error(err);
    process.exit(1);
  });
}
