// npx ts-node --transpile-only bench/tools/profile_top.ts <file.cpuprofile>... [--top N]
// Where a process's CPU went (BENCH_CPU_PROF=<folder>, bench/lib/probe.js): self time by package (node_modules/<name>,
// the app's own files, Node's internals, V8's garbage collector) and by function, the largest first. Several files
// (e.g. both workers) are added up.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (modules) return modules[modules.length - 1].replace('node_modules/', '');
  if (url.startsWith('node:')) return 'node internals';
  const app = url.match(/\/(app|config|app\.js|agent\.js)(\/|$)/);
  return app ? 'the app' : url;
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((arg, i) => !arg.startsWith('--') && (topAt < 0 || i !== topAt + 1));
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  for (const node of profile.nodes) {
    const ms = (hits.get(node.id) ?? 0) * perSample;
    if (!ms || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = url ? ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(app|config)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    total += ms;
  }
}
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(2)} s busy)`);
  for (const [ name, ms ] of [ ...map ].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(ms / 1000).toFixed(2).padStart(7)} s ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
show('by package', byPackage);
show('by function', byFunction);
