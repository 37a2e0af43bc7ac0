import { Seeder, BenchUser } from './seed';
import { connectMany, SioClient } from './sio';
import { until } from '../../test/lib/until';

export interface Room {
  id: number;
  owner: BenchUser;
  viewers: BenchUser[];
}

// A live room and `viewers` users with tokens (and `coin` coins each).
export async function seedRoom(seeder: Seeder, viewers: number, tag: string, coin = 0): Promise<Room> {
  const [ owner ] = await seeder.users(1, `${tag}_owner`);
  const live = await seeder.live(owner, 1, tag);
  return { id: live.id, owner, viewers: await seeder.users(viewers, tag, coin) };
}

export function isOk(reply: any): boolean {
  return reply?.data?.action === 'ok';
}

// Connected sockets for these users (no event sent yet), spread over two source addresses.
export function connectUsers(url: string, users: BenchUser[]): Promise<SioClient[]> {
  return connectMany(url, users.map(() => ({})));
}

// Every client joins the room with its user's token, as course clients do; resolves once every join is acknowledged.
export async function joinAll(clients: SioClient[], users: BenchUser[], liveId: number): Promise<void> {
  const replies = await Promise.all(clients.map((client, i) => client.request('joinLive', { live_id: liveId, token: users[i].token })));
  const refused = replies.filter(reply => !isOk(reply));
  if (refused.length) throw new Error(`bench: ${refused.length} joins refused, e.g. ${JSON.stringify(refused[0])}`);
}

export function closeAll(clients: SioClient[]): void {
  for (const client of clients) client?.close();
}

// Until no client has received `event` for `quietMs` (bounded by timeoutMs).
export async function untilSilent(clients: SioClient[], event: string, quietMs: number, timeoutMs: number): Promise<void> {
  const last = { at: Date.now() };
  const heard = () => { last.at = Date.now(); };
  for (const client of clients) client.on(event, heard);
  await until(`${event} events to stop`, () => Date.now() - last.at >= quietMs, timeoutMs, 50);
}
