// JSON text of an object whose first members are JSON text already (a cached answer, serialised once when it was
// loaded) and whose others are serialised here: what JSON.stringify would make of the whole, without serialising the
// cached part on every request. Undefined values are left out, as JSON.stringify leaves them.
export function jsonObject(serialised: Record<string, string>, values: Record<string, unknown> = {}): string {
  const members: string[] = [];
  for (const [ name, text ] of Object.entries(serialised)) members.push(`${JSON.stringify(name)}:${text}`);
  for (const [ name, value ] of Object.entries(values)) {
    if (value !== undefined) members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return `{${members.join(',')}}`;
}
