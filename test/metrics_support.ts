// Reading Prometheus's text format in tests: every sample of a metric whose labels include `labels`, summed.
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries([ ...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g) ].map(([ , key, value ]) => [ key, value ]));
    if (Object.entries(labels).every(([ key, value ]) => own[key] === value)) {
      total += Number(match[3]);
      found = true;
    }
  }
  return found ? total : NaN;
}

// The values one label takes among a metric's samples.
export function labelValues(text: string, name: string, label: string): string[] {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const match = new RegExp(`[{,]${label}="([^"]*)"`).exec(line);
    if (match) values.add(match[1]);
  }
  return [ ...values ];
}
