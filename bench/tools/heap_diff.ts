// npx ts-node --transpile-only bench/tools/heap_diff.ts <before.heapsnapshot> <after.heapsnapshot> [per]
// What grew between two V8 heap snapshots of one process (BENCH_HEAP_SNAPSHOT=<folder>, bench/lib/probe.js), by kind
// of object: count and bytes (self size), the largest growth first; with `per` (e.g. the viewers added), per each.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function tally(file: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [ typeAt, nameAt, sizeAt ] = [ 'type', 'name', 'self_size' ].map(field => fields.indexOf(field));
  const byKind = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]];
    // Strings and code by type; objects and closures by constructor or function name.
    const name = [ 'object', 'closure', 'native' ].includes(type) ? `${type} ${heap.strings[heap.nodes[i + nameAt]]}` : type;
    const entry = byKind.get(name) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt];
    byKind.set(name, entry);
  }
  return byKind;
}

const [ beforeFile, afterFile, perArg ] = process.argv.slice(2);
const per = Number(perArg) || 1;
const before = tally(beforeFile);
const after = tally(afterFile);
const rows = [ ...after ].map(([ name, { count, bytes }]) => {
  const was = before.get(name) ?? { count: 0, bytes: 0 };
  return { name, count: (count - was.count) / per, bytes: (bytes - was.bytes) / per };
}).sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`grown: ${(total / 1024).toFixed(1)} KB${per > 1 ? ` per each of ${per}` : ''}`);
for (const row of rows.slice(0, 30)) console.log(`${(row.bytes / 1024).toFixed(2).padStart(9)} KB ${row.count.toFixed(1).padStart(8)} × ${row.name}`);
