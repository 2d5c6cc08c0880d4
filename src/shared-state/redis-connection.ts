import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * One Redis connection with error handling: ioredis reconnects by itself, and without an `error`
 * listener every failed attempt would print "[ioredis] Unhandled error event" on stderr.
 */
export function openRedis(url: string, role: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
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
