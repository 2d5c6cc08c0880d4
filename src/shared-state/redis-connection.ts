import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisConnectionOptions {
  /**
   * How many reconnection attempts a command waits through before it fails (null: until Redis is back).
   * Counters want an answer quickly (they fall back to memory); the adapter wants nothing dropped.
   */
  maxRetriesPerRequest?: number | null;
}

/**
 * One Redis connection with error handling: ioredis reconnects by itself, and without an `error`
 * listener every failed attempt would print "[ioredis] Unhandled error event" on stderr.
 */
export function openRedis(
  url: string,
  role: string,
  logger: Logger,
  options: RedisConnectionOptions = {},
): Redis {
  // `null` is a value here (wait for ever), so not `??`.
  const maxRetriesPerRequest = options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest;
  const redis = new Redis(url, { maxRetriesPerRequest });
  let reported = false;
  redis.on('error', (error: Error) => {
    // Once per outage, not once per reconnect attempt.
    if (reported) return;
    reported = true;
    logger.warn({ role, error: error.message }, 'redis connection error; reconnecting');
  });
  redis.on('ready', () => {
    if (reported) logger.info({ role }, 'redis connection restored');
    reported = false;
  });
  return redis;
}

/**
 * Closes politely (QUIT) when Redis answers, and at once otherwise: a QUIT queued while Redis is away
 * would wait for it (the adapter's connection waits out outages), holding up the shutdown.
 */
export async function closeRedis(redis: Redis, waitMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([redis.quit().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  redis.disconnect();
}

/** Resolves true once the connection is ready, or false after `timeoutMs` (Redis down at start-up). */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    timer.unref();
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
