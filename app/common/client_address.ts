import { isIPv6 } from 'node:net';

// What a limit counts a client by: an IPv4 address whole (also written IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address
// by its /64, since one subscriber commonly gets a whole /64 and could use a fresh address for every attempt.
export function clientAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [ head, tail = '' ] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [ ...left, ...Array(8 - left.length - right.length).fill('0'), ...right ] : left;
  return `${groups.slice(0, 4).map(group => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
