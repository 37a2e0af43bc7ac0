import assert from 'node:assert';
import net from 'node:net';
import Redis from 'ioredis';
import { ConnectionRefusedError, Sequelize, UniqueConstraintError, ValidationError } from 'sequelize';
import { app } from 'egg-mock/bootstrap';
import { dependencyDown } from '../../../app/common/dependency_error';
import { connection } from '../../../database/config';

// A port nothing listens on: taken from the system, then let go.
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

// The error a call rejects with, and how long it took.
async function failure(call: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('expected a failure');
}

describe('test/app/common/dependency_error.test.ts', () => {
  it('recognises a Redis client with config.redis.client\'s options refusing within 1 s when Redis is away', async () => {
    const port = await closedPort();
    const redis = new Redis({ ...app.config.redis.client, port, lazyConnect: false } as Redis.RedisOptions);
    redis.on('error', () => undefined);
    try {
      const { err, ms } = await failure(() => redis.get('k'));
      assert(ms < 1000, `refused after ${ms} ms`);
      assert(dependencyDown(err), String(err));
    } finally {
      redis.disconnect();
    }
  });

  it('recognises Sequelize refusing within 1 s with database/config.js\'s settings when MySQL is away', async () => {
    const port = await closedPort();
    const { database, username, password, ...options } = connection('unittest');
    const sequelize = new Sequelize(database, username, password, { ...options, port } as never);
    try {
      const { err, ms } = await failure(() => sequelize.query('SELECT 1'));
      assert(ms < 1000, `refused after ${ms} ms`);
      assert(err instanceof ConnectionRefusedError, String(err));
      assert(dependencyDown(err));
    } finally {
      await sequelize.close();
    }
  });

  it('recognises a query whose connection died, and the adapter\'s node_redis refusals', () => {
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' });
    assert(dependencyDown(Object.assign(new Error('wrapped'), { name: 'SequelizeDatabaseError', parent: lost })));
    assert(dependencyDown(Object.assign(new Error('PUBLISH can\'t be processed. The connection is already closed.'), { code: 'NR_CLOSED' })));
    assert(dependencyDown(Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })));
    assert(dependencyDown(new Error('Connection is closed.')));
  });

  it('leaves every other error alone: bad input, a duplicate row, an aborted upload, a plain bug', () => {
    assert(!dependencyDown(new ValidationError('bad', [])));
    assert(!dependencyDown(new UniqueConstraintError({})));
    assert(!dependencyDown(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })));
    assert(!dependencyDown(new TypeError('x is undefined')));
    assert(!dependencyDown(undefined));
    assert(!dependencyDown('ECONNREFUSED'));
  });
});
