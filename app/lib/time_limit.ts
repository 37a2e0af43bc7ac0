// What `work` resolves to, or a rejection once `ms` have passed: a hung dependency costs that long, never more.
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([ work, late ]);
  } finally {
    clearTimeout(timer);
  }
}
