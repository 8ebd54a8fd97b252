import { Redis, type RedisOptions } from 'ioredis';
import { MstfError } from '../../core/index.js';

/** Hash of the searches that have work queued: search id -> its EvaluationSpec (JSON). Workers watch it. */
export const SEARCHES_KEY = 'mstf:searches';

/** One BullMQ queue per search, so searches sharing a Redis never mix. */
export function queueName(searchId: string): string {
  return `mstf-search-${searchId}`;
}

/** ioredis options from redis://[user:password@]host:port[/db] (rediss:// for TLS). */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MstfError('INVALID_ARGUMENT', `--redis ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new MstfError('INVALID_ARGUMENT', `--redis ${url}: expected redis://HOST:PORT or rediss://HOST:PORT`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new MstfError('INVALID_ARGUMENT', `--redis ${url}: database "${u.pathname.slice(1)}" is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking connections need this; a lost server is reported by connect() below instead.
    maxRetriesPerRequest: null,
  };
}

/** A connected client, or one line saying Redis is not reachable at the URL. */
export async function connectRedis(url: string): Promise<Redis> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new MstfError(
      'EXECUTOR_UNAVAILABLE',
      `cannot reach Redis at ${url} (${(e as Error).message || 'connection refused'})`,
    );
  }
  // From here on a dropped connection is retried like BullMQ's own.
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return client;
}
