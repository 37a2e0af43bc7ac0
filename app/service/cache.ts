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

  // Seconds left before the key expires: 0 when it is missing (or was set without an expiry).
  async ttl(key: string): Promise<number> {
    return Math.max(0, await this.app.redis.ttl(this.key(key)));
  }

  // How many keys were removed (0 or 1).
  async remove(key: string): Promise<number> {
    return this.app.redis.del(this.key(key));
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
}
