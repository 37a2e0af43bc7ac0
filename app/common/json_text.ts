// The course envelope {msg, data} as the bytes a reply sends, around data serialised beforehand. Made once for a cached
// answer, it is written as it is: a request neither joins the envelope's text nor encodes it again (on a list page
// that was 5 us of a request's 71, bench/README.md).
export function successBytes(json: string, msg = 'ok'): Buffer {
  return Buffer.from(`{"msg":${JSON.stringify(msg)},"data":${json}}`);
}

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
