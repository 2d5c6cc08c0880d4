import { createAdapter } from '@socket.io/redis-adapter';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../logger.js';
import { type HealthStore, MemoryHealthStore } from '../providers/index.js';
import { openRedis } from './redis-connection.js';
import { RedisHealthStore } from './redis-health-store.js';

export interface RateLimiterSettings {
  /** Separates one limit's counters from another's. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** A Socket.io adapter factory, as `io.adapter()` takes it. */
export type SocketAdapterFactory = ReturnType<typeof createAdapter>;

/**
 * Everything instances share, behind one plug: with Redis, rooms span instances, rate limits count
 * against one budget and the router sees one health per deployment; without it, the same pieces live
 * in this process. Nothing else in EchoTune opens Redis.
 */
export interface SharedState {
  readonly kind: 'local' | 'redis';
  /** Rooms across instances; undefined keeps Socket.io's in-process adapter. */
  readonly socketAdapter: SocketAdapterFactory | undefined;
  /** Counters per key over a window (rate-limiter-flexible). */
  rateLimiter(settings: RateLimiterSettings): RateLimiterAbstract;
  /** Deployment health for the router. */
  readonly providerHealth: HealthStore;
  close(): Promise<void>;
}

export interface SharedStateOptions {
  /** REDIS_URL; unset for a single instance. */
  redisUrl: string | undefined;
  logger: Logger;
  /** Prefix of every key, so several installations (or tests) can share one Redis. */
  keyPrefix?: string;
}

function localState(): SharedState {
  return {
    kind: 'local',
    socketAdapter: undefined,
    rateLimiter: ({ keyPrefix, points, durationSeconds }) =>
      new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
    providerHealth: new MemoryHealthStore(),
    close: async () => {},
  };
}

function redisState(url: string, logger: Logger, keyPrefix: string): SharedState {
  // Commands and publishing share one connection; a subscriber and WATCH transactions need their own.
  const commands = openRedis(url, 'commands', logger);
  const subscriber = openRedis(url, 'subscriber', logger);
  const health = openRedis(url, 'provider-health', logger);
  const connections = [commands, subscriber, health];
  return {
    kind: 'redis',
    socketAdapter: createAdapter(commands, subscriber, { key: `${keyPrefix}socket.io` }),
    rateLimiter: ({ keyPrefix: limit, points, durationSeconds }) =>
      new RateLimiterRedis({
        storeClient: commands,
        keyPrefix: `${keyPrefix}rl:${limit}`,
        points,
        duration: durationSeconds,
      }),
    providerHealth: new RedisHealthStore({ redis: health, prefix: `${keyPrefix}provider-health:` }),
    async close() {
      await Promise.all(connections.map((redis) => redis.quit().catch(() => redis.disconnect())));
    },
  };
}

/** The shared state REDIS_URL selects. */
export function createSharedState(options: SharedStateOptions): SharedState {
  if (options.redisUrl === undefined) return localState();
  return redisState(options.redisUrl, options.logger, options.keyPrefix ?? 'echotune:');
}
