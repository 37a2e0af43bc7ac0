import { Service } from 'egg';
import { OnlineUser } from '../lib/socket_session';

// A room's online list, kept by the Lua scripts below so that joins and leaves from any worker apply atomically.
// KEYS: owner (hash socket -> user), tabs (hash user -> sockets), users (zset user -> last join), profiles (hash
// user -> JSON), sockets (zset socket -> join), alive (zset socket -> last heartbeat), last (the last change, JSON),
// rooms (the set of lives with anyone online). Every change is published on the change channel with the live id.
const ONLINE_PARTS = [ 'owner', 'tabs', 'users', 'profiles', 'sockets', 'alive', 'last' ];

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
  onlineJoin: ONLINE_LUA + `
if add(ARGV[4], ARGV[5], ARGV[6], ARGV[3], true) then changed(ARGV[1], ARGV[2], 'join', ARGV[6]) return 1 end
return 0`,
  // ARGV: live, channel, socket; 1 when the socket was listed.
  onlineLeave: ONLINE_LUA + `
local profile = remove(ARGV[3])
if profile then changed(ARGV[1], ARGV[2], 'leave', profile) return 1 end
return 0`,
  // ARGV: live, channel, now, then socket, user id, user JSON for each of a worker's sockets in the room: their
  // heartbeat, which also lists again a socket that was lost (a Redis restart, a worker stalled past the sweep).
  onlineTouch: ONLINE_LUA + `
local listed = 0
for i = 4, #ARGV, 3 do
  if add(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[3], false) then listed = listed + 1 end
end
if listed > 0 then changed(ARGV[1], ARGV[2], 'join', false) end
return listed`,
  // ARGV: live, channel, cutoff, batch; unlists (up to batch at a time) the sockets without a heartbeat since cutoff.
  onlineSweep: ONLINE_LUA + `
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
  onlineSnapshot: ONLINE_LUA + `
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
  clients: string[];
  last: { action: 'join' | 'leave'; user: OnlineUser | null } | null;
}

// Redis with JSON values, every key under config.cache.prefix (the course's cache service).
export default class CacheService extends Service {
  private key(key: string): string {
    return this.config.cache.prefix + key;
  }

  // The channel every online list change is published on, with the live id.
  get onlineChannel(): string {
    return this.key('online');
  }

  // EVAL, not EVALSHA: ioredis retries a NOSCRIPT later, after commands sent since, and a join must never run after
  // the leave that follows it. Redis caches the compiled script, so only the bytes are sent again.
  // Every script takes the room's keys, then ARGV: live id, change channel, and its own arguments.
  private runOnline(script: OnlineScript, liveId: number, ...args: Array<string | number>): Promise<unknown> {
    const base = this.key(`online_${liveId}`);
    const keys = [ ...ONLINE_PARTS.map(part => `${base}:${part}`), this.key('online_rooms') ];
    return this.app.redis.eval(ONLINE_SCRIPTS[script], keys.length, ...keys, liveId, this.onlineChannel, ...args);
  }

  // Lists a socket of a user in a live's online list (a user with several sockets is listed once); false when this
  // socket was listed already. The command is sent before this returns its promise, so callers can order it.
  async joinOnline(liveId: number, socketId: string, user: OnlineUser, now = Date.now()): Promise<boolean> {
    return await this.runOnline('onlineJoin', liveId, now, socketId, user.id, JSON.stringify(user)) === 1;
  }

  // Unlists a socket (and its user with their last socket); false when it was not listed.
  async leaveOnline(liveId: number, socketId: string): Promise<boolean> {
    return await this.runOnline('onlineLeave', liveId, socketId) === 1;
  }

  // The heartbeat of a worker's sockets in a live; answers how many had to be listed again.
  async touchOnline(liveId: number, entries: Array<{ socketId: string; user: OnlineUser }>, now = Date.now()): Promise<number> {
    const args = entries.flatMap(({ socketId, user }) => [ socketId, user.id, JSON.stringify(user) ]);
    return Number(await this.runOnline('onlineTouch', liveId, now, ...args));
  }

  // Unlists, in every live, the sockets without a heartbeat since cutoff (ms): those of a worker that died.
  async sweepOnline(cutoff: number): Promise<number> {
    const rooms = this.key('online_rooms');
    let removed = 0;
    let cursor = '0';
    do {
      const [ next, lives ] = await this.app.redis.sscan(rooms, cursor, 'COUNT', 500);
      for (const live of lives) {
        // A script removes at most SWEEP_BATCH; a room a big worker left needs several.
        let batch: number;
        do {
          batch = Number(await this.runOnline('onlineSweep', Number(live), cutoff, SWEEP_BATCH));
          removed += batch;
        } while (batch === SWEEP_BATCH);
      }
      cursor = next;
    } while (cursor !== '0');
    return removed;
  }

  // The exact number of online users, the newest `limit` users and sockets, and the last change.
  async onlineSnapshot(liveId: number, limit: number): Promise<OnlineSnapshot> {
    const [ count, users, clients, last ] = await this.runOnline('onlineSnapshot', liveId, limit) as [ number, Array<string | null>, string[], string | null ];
    return {
      count: Number(count),
      data: users.filter((user): user is string => user !== null).map(user => JSON.parse(user) as OnlineUser),
      clients,
      last: last ? JSON.parse(last) : null,
    };
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    const value = await this.app.redis.get(this.key(key));
    return value === null ? null : JSON.parse(value) as T;
  }

  // Several values in one round trip, null where a key is missing.
  async getMany<T = unknown>(keys: string[]): Promise<Array<T | null>> {
    if (!keys.length) return [];
    const values = await this.app.redis.mget(...keys.map(key => this.key(key)));
    return values.map(value => (value === null ? null : JSON.parse(value) as T));
  }

  // expire in seconds; 0 keeps the key until it is removed.
  async set(key: string, value: unknown, expire = 0): Promise<void> {
    const json = JSON.stringify(value);
    if (expire > 0) {
      await this.app.redis.set(this.key(key), json, 'EX', expire);
    } else {
      await this.app.redis.set(this.key(key), json);
    }
  }

  // How many keys were removed (0 or 1).
  async remove(key: string): Promise<number> {
    return this.app.redis.del(this.key(key));
  }

  async getList<T = unknown>(key: string): Promise<T[]> {
    const items = await this.app.redis.lrange(this.key(key), 0, -1);
    return items.map(item => JSON.parse(item) as T);
  }

  // Appends ('push') or prepends ('unshift') one value; answers the list's new length.
  async setList(key: string, value: unknown, type: 'push' | 'unshift' = 'push', expire = 0): Promise<number> {
    const fullKey = this.key(key);
    const json = JSON.stringify(value);
    const multi = this.app.redis.multi();
    if (type === 'push') multi.rpush(fullKey, json);
    else multi.lpush(fullKey, json);
    if (expire > 0) multi.expire(fullKey, expire);
    const results = await multi.exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  // With expire (seconds) the counter is a window: it starts with that expiry and later increments keep it.
  async incr(key: string, amount = 1, expire = 0): Promise<number> {
    const fullKey = this.key(key);
    if (expire <= 0) return this.app.redis.incrby(fullKey, amount);
    const results = await this.app.redis.multi()
      .set(fullKey, 0, 'EX', expire, 'NX')
      .incrby(fullKey, amount)
      .exec();
    return Number(results?.[1]?.[1]);
  }

  async strlen(key: string): Promise<number> {
    return this.app.redis.strlen(this.key(key));
  }

  // Removes this app's keys only (those under the prefix), never the rest of the Redis database.
  async clear(): Promise<number> {
    const pattern = this.config.cache.prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
    let cursor = '0';
    let removed = 0;
    do {
      const [ next, keys ] = await this.app.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) removed += await this.app.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  }
}
