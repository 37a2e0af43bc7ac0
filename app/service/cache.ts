import { Service } from 'egg';

// Redis with JSON values, every key under config.cache.prefix (the course's cache service).
export default class CacheService extends Service {
  private key(key: string): string {
    return this.config.cache.prefix + key;
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    const value = await this.app.redis.get(this.key(key));
    return value === null ? null : JSON.parse(value) as T;
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
