import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import jwt from 'jsonwebtoken';
import { createConnection, Connection, ResultSetHeader } from 'mysql2/promise';
import { connection } from '../../database/config';
import { BENCH_DATABASE, BENCH_PREFIX, BENCH_SECRETS } from './constants';

const TOKEN_TTL = 7 * 24 * 3600;

// The app's MySQL settings (database/config.js), for mysql2.
function mysqlOptions() {
  const { host, port, username, password, timezone } = connection('prod');
  return { host, port, user: username, password, timezone };
}

export interface BenchUser {
  id: number;
  username: string;
  token: string;
}

// Rows and tokens written straight to MySQL and Redis as the app's login would write them (a signed JWT stored under
// `<prefix>user_<id>`): 2000 logins through scrypt would take minutes and measure nothing a scenario is about.
export class Seeder {
  private readonly db: Connection;
  private readonly redis: Redis.Redis;

  private constructor(db: Connection, redis: Redis.Redis) {
    this.db = db;
    this.redis = redis;
  }

  static async open(): Promise<Seeder> {
    const db = await createConnection({ ...mysqlOptions(), database: BENCH_DATABASE });
    const env = process.env;
    const redis = new Redis({
      host: env.REDIS_HOST || '127.0.0.1',
      port: Number(env.REDIS_PORT || 6379),
      password: env.REDIS_PASSWORD || undefined,
      db: Number(env.REDIS_DB || 0),
    });
    return new Seeder(db, redis);
  }

  static async dropDatabase(): Promise<void> {
    const db = await createConnection(mysqlOptions());
    try {
      await db.query(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
    } finally {
      await db.end();
    }
  }

  async close(): Promise<void> {
    await this.db.end();
    this.redis.disconnect();
  }

  async clearRedis(): Promise<void> {
    let cursor = '0';
    do {
      const [ next, keys ] = await this.redis.scan(cursor, 'MATCH', `${BENCH_PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  // `count` users named <tag>_<n>, each with `coin` coins and a live token.
  async users(count: number, tag: string, coin = 0): Promise<BenchUser[]> {
    const users: BenchUser[] = [];
    for (let from = 0; from < count; from += 500) {
      const names = Array.from({ length: Math.min(500, count - from) }, (_, i) => `${tag}_${from + i}`);
      const [ result ] = await this.db.query<ResultSetHeader>(
        'INSERT INTO user (username, password, coin, created_time, updated_time) VALUES ?',
        [ names.map(name => [ name, 'bench-no-login', coin, new Date(), new Date() ]) ]);
      names.forEach((username, i) => users.push({ id: result.insertId + i, username, token: '' }));
    }
    const pipeline = this.redis.pipeline();
    for (const user of users) {
      user.token = jwt.sign({ id: user.id, username: user.username }, BENCH_SECRETS.JWT_SECRET, {
        algorithm: 'HS256', expiresIn: TOKEN_TTL, jwtid: randomBytes(12).toString('hex'),
      });
      pipeline.set(`${BENCH_PREFIX}user_${user.id}`, JSON.stringify(user.token), 'EX', TOKEN_TTL);
    }
    await pipeline.exec();
    return users;
  }

  // A room of `owner` with the given status (1: live), as create and changestatus would leave it.
  async live(owner: BenchUser, status = 1, title = 'bench room'): Promise<{ id: number; key: string }> {
    const key = randomBytes(20).toString('hex').slice(0, 20);
    const [ result ] = await this.db.query<ResultSetHeader>(
      'INSERT INTO live (title, cover, user_id, `key`, status, look_count, coin, created_time, updated_time) VALUES (?, ?, ?, ?, ?, 0, 0, NOW(), NOW())',
      [ title, '', owner.id, key, status ]);
    return { id: result.insertId, key };
  }

  async query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    const [ rows ] = await this.db.query(sql, values);
    return rows as T[];
  }
}
