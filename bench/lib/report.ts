import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { canPin } from './proc';
import { ROOT } from './constants';

export interface Options {
  // Tiny sizes: proves the harness works end to end, measures nothing.
  smoke: boolean;
}

export interface Target {
  name: string;
  // What was measured, as a sentence fragment ("max N 1500 = 1.00x bare").
  value: string;
  met: boolean;
}

export interface Result {
  scenario: string;
  // Column names, then rows of the printed table.
  columns: string[];
  rows: Array<Array<string | number>>;
  targets: Target[];
  notes?: string[];
  // Every figure, for the JSON file.
  data: unknown;
}

export type Scenario = (options: Options) => Promise<Result>;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// The middle of a few rounds' figures (unsorted).
export function median(values: number[]): number {
  return percentile([ ...values ].sort((a, b) => a - b), 50);
}

export function latencyStats(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    p50: percentile(list, 50),
    p99: percentile(list, 99),
    max: list.length ? list[list.length - 1] : NaN,
  };
}

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024 * 10) / 10;
export const round = (value: number, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : NaN);

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    pinned: canPin() ? 'server on CPU 0, load generator on CPU 1 (taskset)' : 'not pinned',
  };
}

export function table(columns: string[], rows: Array<Array<string | number>>): string {
  const cells = [ columns, ...rows.map(row => row.map(String)) ];
  const widths = columns.map((_, i) => Math.max(...cells.map(row => (row[i] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [ line(columns), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line) ].join('\n');
}

export function print(result: Result, options: Options): string {
  const lines = [
    `## ${result.scenario}${options.smoke ? ' (smoke)' : ''}`,
    '',
    table(result.columns, result.rows),
    '',
    ...result.targets.map(t => `- target ${t.name}: ${t.value} — ${t.met ? 'met' : 'MISSED'}`),
    ...(result.notes ?? []).map(note => `- ${note}`),
  ];
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  return text;
}

export function save(result: Result, options: Options, startedAt: Date): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${result.scenario}${options.smoke ? '-smoke' : ''}-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ ...result, smoke: options.smoke, date: startedAt.toISOString(), machine: machine() }, null, 2));
  return file;
}
