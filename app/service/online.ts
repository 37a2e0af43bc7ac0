import { Service } from 'egg';
import { publicSocketId } from '../common/public_socket_id';
import { OnlineUser } from '../lib/socket_session';

// A room's online list: its Redis keys, changed only by the Lua scripts below, so any worker's change is atomic.
const ONLINE_PARTS = [
  'owner', // hash socket -> user id
  'tabs', // hash user id -> how many of their sockets are listed
  'users', // zset user id -> last join
  'profiles', // hash user id -> the user's JSON
  'sockets', // zset socket -> join
  'alive', // zset socket -> last heartbeat
  'last', // the last change, JSON
];

const ONLINE_LUA = `
local owner, tabs, users, profiles, sockets, alive, last, rooms = unpack(KEYS)

-- Lists one socket of a user; false when the socket was listed already. bump moves the user to the front.
local function add(sid, uid, profile, now, bump)
  redis.call('ZADD', alive, now, sid)
  if redis.call('HSETNX', owner, sid, uid) == 0 then return false end
  redis.call('ZADD', sockets, now, sid)
  redis.call('HINCRBY', tabs, uid, 1)
  if bump then redis.call('ZADD', users, now, uid) else redis.call('ZADD', users, 'NX', now, uid) end
  redis.call('HSET', profiles, uid, profile)
  return true
end

-- Unlists one socket, and its user with their last socket; the user's JSON, or false when it was not listed.
local function remove(sid)
  redis.call('ZREM', alive, sid)
  local uid = redis.call('HGET', owner, sid)
  if not uid then return false end
  redis.call('HDEL', owner, sid)
  redis.call('ZREM', sockets, sid)
  local profile = redis.call('HGET', profiles, uid) or 'null'
  if redis.call('HINCRBY', tabs, uid, -1) <= 0 then
    redis.call('HDEL', tabs, uid)
    redis.call('ZREM', users, uid)
    redis.call('HDEL', profiles, uid)
  end
  return profile
end

local function changed(live, channel, action, profile)
  if profile then redis.call('SET', last, '{"action":"' .. action .. '","user":' .. profile .. '}') end
  if redis.call('ZCARD', sockets) == 0 then
    redis.call('SREM', rooms, live)
    redis.call('DEL', last)
  else
    redis.call('SADD', rooms, live)
  end
  redis.call('PUBLISH', channel, live)
end
`;

const ONLINE_SCRIPTS = {
  // ARGV: live, channel, now, socket, user id, user JSON; 1 when the socket was added.
  join: ONLINE_LUA + `
if add(ARGV[4], ARGV[5], ARGV[6], ARGV[3], true) then changed(ARGV[1], ARGV[2], 'join', ARGV[6]) return 1 end
return 0`,
  // ARGV: live, channel, socket; 1 when the socket was listed.
  leave: ONLINE_LUA + `
local profile = remove(ARGV[3])
if profile then changed(ARGV[1], ARGV[2], 'leave', profile) return 1 end
return 0`,
  // ARGV: live, channel, now, then socket, user id, user JSON for each of a worker's sockets in the room: their
  // heartbeat, which also lists again a socket that was lost (a Redis restart, a worker stalled past the sweep).
  touch: ONLINE_LUA + `
local listed = 0
for i = 4, #ARGV, 3 do
  if add(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[3], false) then listed = listed + 1 end
end
if listed > 0 then changed(ARGV[1], ARGV[2], 'join', false) end
return listed`,
  // ARGV: live, channel, cutoff, batch; unlists (up to batch at a time) the sockets without a heartbeat since cutoff.
  sweep: ONLINE_LUA + `
local stale = redis.call('ZRANGEBYSCORE', alive, '-inf', ARGV[3], 'LIMIT', 0, ARGV[4])
local removed, profile = 0, false
for _, sid in ipairs(stale) do
  local user = remove(sid)
  if user then removed, profile = removed + 1, user end
end
if #stale > 0 then changed(ARGV[1], ARGV[2], 'leave', profile)
elseif redis.call('ZCARD', sockets) == 0 then redis.call('SREM', rooms, ARGV[1]) end
return removed`,
  // ARGV: live, channel, limit; {count of users, newest users' JSON, newest sockets, the last change's JSON}.
  snapshot: ONLINE_LUA + `
local ids = redis.call('ZREVRANGE', users, 0, ARGV[3] - 1)
local list = {}
if #ids > 0 then list = redis.call('HMGET', profiles, unpack(ids)) end
return { redis.call('ZCARD', users), list, redis.call('ZREVRANGE', sockets, 0, ARGV[3] - 1), redis.call('GET', last) }`,
};

type OnlineScript = keyof typeof ONLINE_SCRIPTS;

// Sockets one sweep script removes, so that no single script blocks Redis for long.
const SWEEP_BATCH = 1000;

// A room's online list as the `online` event shows it.
export interface OnlineSnapshot {
  count: number;
  data: OnlineUser[];
  // The sockets' public ids (common/public_socket_id.ts), never their real ones.
  clients: string[];
  last: { action: 'join' | 'leave'; user: OnlineUser | null } | null;
}

// Each room's online list in Redis: who is watching, across every worker and host.
export default class OnlineService extends Service {
  // Under config.cache.prefix, as every key of the app.
  private key(key: string): string {
    return this.config.cache.prefix + key;
  }

  // The channel every online list change is published on, with the live id.
  get channel(): string {
    return this.key('online');
  }

  // EVAL, not EVALSHA: ioredis retries a NOSCRIPT after later commands, and a join must never overtake its leave.
  // KEYS: the room's parts, then online_rooms (lives with anyone online); ARGV: live id, channel, the script's own.
  private run(script: OnlineScript, liveId: number, ...args: Array<string | number>): Promise<unknown> {
    const base = this.key(`online_${liveId}`);
    const keys = [ ...ONLINE_PARTS.map(part => `${base}:${part}`), this.key('online_rooms') ];
    return this.app.redis.eval(ONLINE_SCRIPTS[script], keys.length, ...keys, liveId, this.channel, ...args);
  }

  // Lists a socket of a user in a live's online list (a user with several sockets is listed once); false when this
  // socket was listed already. The command is sent before this returns its promise, so callers can order it.
  async join(liveId: number, socketId: string, user: OnlineUser, now = Date.now()): Promise<boolean> {
    return await this.run('join', liveId, now, socketId, user.id, JSON.stringify(user)) === 1;
  }

  // Unlists a socket (and its user with their last socket); false when it was not listed.
  async leave(liveId: number, socketId: string): Promise<boolean> {
    return await this.run('leave', liveId, socketId) === 1;
  }

  // The heartbeat of a worker's sockets in a live; answers how many had to be listed again.
  async touch(liveId: number, entries: Array<{ socketId: string; user: OnlineUser }>, now = Date.now()): Promise<number> {
    const args = entries.flatMap(({ socketId, user }) => [ socketId, user.id, JSON.stringify(user) ]);
    return Number(await this.run('touch', liveId, now, ...args));
  }

  // Unlists, in every live, the sockets without a heartbeat since cutoff (ms): those of a worker that died.
  async sweep(cutoff: number): Promise<number> {
    const rooms = this.key('online_rooms');
    let removed = 0;
    let cursor = '0';
    do {
      const [ next, lives ] = await this.app.redis.sscan(rooms, cursor, 'COUNT', 500);
      for (const live of lives) {
        // A script removes at most SWEEP_BATCH; a room a big worker left needs several.
        let batch: number;
        do {
          batch = Number(await this.run('sweep', Number(live), cutoff, SWEEP_BATCH));
          removed += batch;
        } while (batch === SWEEP_BATCH);
      }
      cursor = next;
    } while (cursor !== '0');
    return removed;
  }

  // Users online summed over the rooms with anyone online (/metrics): one pipelined ZCARD per room.
  async viewers(): Promise<number> {
    const { redis } = this.app;
    let total = 0;
    let cursor = '0';
    do {
      const [ next, lives ] = await redis.sscan(this.key('online_rooms'), cursor, 'COUNT', 500);
      const counts = await redis.pipeline(lives.map(live => [ 'zcard', this.key(`online_${live}:users`) ])).exec();
      for (const [ err, count ] of counts ?? []) {
        if (err) throw err;
        total += Number(count);
      }
      cursor = next;
    } while (cursor !== '0');
    return total;
  }

  // The exact number of online users of each live (the lobby): one pipelined ZCARD each.
  async counts(liveIds: number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!liveIds.length) return counts;
    const replies = await this.app.redis.pipeline(liveIds.map(id => [ 'zcard', this.key(`online_${id}:users`) ])).exec();
    (replies ?? []).forEach(([ err, count ], i) => {
      if (err) throw err;
      counts.set(liveIds[i], Number(count));
    });
    return counts;
  }

  // The exact number of online users, the newest `limit` users and sockets, and the last change. The lists keep the
  // sockets' real ids (heartbeat, sweep and leave need them); what leaves here has their public ids only.
  async snapshot(liveId: number, limit: number): Promise<OnlineSnapshot> {
    const [ count, users, sockets, last ] = await this.run('snapshot', liveId, limit) as [ number, Array<string | null>, string[], string | null ];
    return {
      count: Number(count),
      data: users.filter((user): user is string => user !== null).map(user => JSON.parse(user) as OnlineUser),
      clients: sockets.map(socketId => publicSocketId(this.config.keys, socketId)),
      last: last ? JSON.parse(last) : null,
    };
  }
}
