import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

// Passwords of users and of the console's managers, one way.
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64, saltlen: 16 };

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// Stored as `scrypt$N$r$p$<salt base64>$<key base64>`, so the cost can be raised later without breaking old rows.
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keylen, saltlen } = SCRYPT;
  const salt = randomBytes(saltlen);
  const key = await scryptAsync(password, salt, keylen, { N, r, p });
  return [ 'scrypt', N, r, p, salt.toString('base64'), key.toString('base64') ].join('$');
}

// A digest this service did not write (or a damaged one) matches no password: a key shorter than 16 bytes
// would make the comparison meaningless (two empty buffers are equal).
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [ scheme, N, r, p, salt, key ] = stored.split('$');
  const cost = { N: Number(N), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  if (scheme !== 'scrypt' || ![ cost.N, cost.r, cost.p ].every(Number.isSafeInteger)) return false;
  const saltBytes = Buffer.from(salt ?? '', 'base64');
  const expected = Buffer.from(key ?? '', 'base64');
  if (saltBytes.length < 8 || expected.length < 16) return false;
  const actual = await scryptAsync(password, saltBytes, expected.length, cost).catch(() => null);
  return actual !== null && timingSafeEqual(actual, expected);
}
