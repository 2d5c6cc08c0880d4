import { createAdapter as createPubSubAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { localTurnLeases, type TurnLeases } from '../chat/index.js';
import type { Logger } from '../logger.js';
import { type HealthStore, MemoryHealthStore } from '../providers/index.js';
import {
  type ConnectionCounter,
  type ConnectionCounterSettings,
  LocalConnectionCounter,
} from './connection-counter.js';
import { InstanceRegistry } from './instance-registry.js';
import { closeRedis, openRedis, whenReady } from './redis-connection.js';
import { RedisConnectionCounter } from './redis-connection-counter.js';
import { RedisHealthStore } from './redis-health-store.js';
import { RedisTurnLeases } from './redis-turn-leases.js';
import { withUnawaitedWrites } from './unawaited-writes.js';

export interface RateLimiterSettings {
  /** Separates one limit's counters from another's. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** A Socket.io adapter factory, as `io.adapter()` takes it. */
export type SocketAdapterFactory =
  | ReturnType<typeof createPubSubAdapter>
  | ReturnType<typeof createStreamsAdapter>;

/** How rooms reach other instances: Redis pub/sub, or Redis streams (read by offset, so resumable). */
export type AdapterKind = 'pubsub' | 'streams';

export interface SharedStateStatus {
  /** False while some connection to Redis is down: this instance then serves only its own clients. */
  connected: boolean;
  /** What is not shared as it should be, for /ready (empty when all is well). */
  reasons: string[];
}

/**
 * Everything instances share, behind one plug: with Redis, rooms span instances, rate limits count
 * against one budget and the router sees one health per deployment; without it, the same pieces live
 * in this process. Nothing else in EchoTune opens Redis. While Redis is away each piece degrades to
 * this instance alone (local rooms, limits in memory, health seen here) and recovers by itself.
 */
export interface SharedState {
  readonly kind: 'local' | 'redis';
  /** Rooms across instances; undefined keeps Socket.io's in-process adapter. */
  readonly socketAdapter: SocketAdapterFactory | undefined;
  /** Counters per key over a window (rate-limiter-flexible), in memory while Redis is away. */
  rateLimiter(settings: RateLimiterSettings): RateLimiterAbstract;
  /** Open connections per key across the live instances, under one cap; this instance's while Redis is away. */
  connectionCounter(settings: ConnectionCounterSettings): ConnectionCounter;
  /** Deployment health for the router. */
  readonly providerHealth: HealthStore;
  /** One turn per session at a time, across instances. */
  readonly turnLeases: TurnLeases;
  /** Tells the other instances which store this one uses (and learns theirs). */
  announce(store: string): Promise<void>;
  status(): SharedStateStatus;
  close(): Promise<void>;
}

export interface SharedStateOptions {
  /** REDIS_URL; unset for a single instance. */
  redisUrl: string | undefined;
  /** REDIS_ADAPTER (default streams). */
  adapter?: AdapterKind;
  /** TURN_LEASE_MS: how long a dead instance's session lease outlives it (default 10 s). */
  turnLeaseMs?: number;
  logger: Logger;
  /** Prefix of every key, so several installations (or tests) can share one Redis. */
  keyPrefix?: string;
}

/** Adapter writes that may wait for Redis to return before some are dropped (about a minute of deltas). */
const maxPendingAdapterWrites = 50_000;

function localState(): SharedState {
  return {
    kind: 'local',
    socketAdapter: undefined,
    rateLimiter: ({ keyPrefix, points, durationSeconds }) =>
      new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
    connectionCounter: ({ limit }) => new LocalConnectionCounter(limit),
    providerHealth: new MemoryHealthStore(),
    turnLeases: localTurnLeases,
    announce: async () => {},
    status: () => ({ connected: true, reasons: [] }),
    close: async () => {},
  };
}

function socketAdapterOver(
  kind: AdapterKind,
  url: string,
  logger: Logger,
  keyPrefix: string,
): { adapter: SocketAdapterFactory; connections: Redis[] } {
  if (kind === 'streams') {
    // Waits out an outage (null retries) so nothing is dropped; the adapter duplicates it for reading.
    const writer = openRedis(url, 'adapter', logger, { maxRetriesPerRequest: null });
    // Made on first use: the adapter opens its reading connections as soon as it is created, and closes
    // them when the last namespace using it closes.
    let streams: ReturnType<typeof createStreamsAdapter> | undefined;
    // A function, not an arrow: Socket.io calls the factory with `new`.
    function adapter(namespace: Parameters<ReturnType<typeof createStreamsAdapter>>[0]) {
      streams ??= createStreamsAdapter(
        withUnawaitedWrites(writer, { role: 'adapter', logger, maxPending: maxPendingAdapterWrites }),
        { streamName: `${keyPrefix}socket.io`, maxLen: 10_000 },
      );
      return streams(namespace);
    }
    return { adapter, connections: [writer] };
  }
  const publisher = openRedis(url, 'adapter', logger);
  const subscriber = openRedis(url, 'subscriber', logger);
  const adapter = createPubSubAdapter(
    withUnawaitedWrites(publisher, { role: 'adapter', logger, maxPending: maxPendingAdapterWrites }),
    subscriber,
    { key: `${keyPrefix}socket.io` },
  );
  return { adapter, connections: [publisher, subscriber] };
}

/** How long start-up waits for Redis before it carries on degraded (it keeps reconnecting). */
const startupWaitMs = 5_000;

async function redisState(
  url: string,
  options: SharedStateOptions & { adapter: AdapterKind; keyPrefix: string },
): Promise<SharedState> {
  const { adapter: kind, logger, keyPrefix } = options;
  // Counters share one connection; WATCH transactions (health) and the adapter need their own.
  const commands = openRedis(url, 'commands', logger);
  const health = openRedis(url, 'provider-health', logger);
  const { adapter, connections: adapterConnections } = socketAdapterOver(kind, url, logger, keyPrefix);
  const connections = [commands, health, ...adapterConnections];
  const ready = await Promise.all(connections.map((redis) => whenReady(redis, startupWaitMs)));
  if (ready.includes(false)) logger.warn('redis is not reachable; starting degraded (this instance alone)');
  const instances = new InstanceRegistry({ redis: commands, prefix: keyPrefix, logger });
  const counters: RedisConnectionCounter[] = [];
  return {
    kind: 'redis',
    socketAdapter: adapter,
    rateLimiter: ({ keyPrefix: limit, points, durationSeconds }) =>
      new RateLimiterRedis({
        storeClient: commands,
        keyPrefix: `${keyPrefix}rl:${limit}`,
        points,
        duration: durationSeconds,
        // While Redis is away: count in this process at once instead of waiting for a reconnect.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: limit, points, duration: durationSeconds }),
      }),
    connectionCounter(settings) {
      const counter = new RedisConnectionCounter({ ...settings, redis: commands, prefix: keyPrefix, logger });
      counters.push(counter);
      return counter;
    },
    providerHealth: new RedisHealthStore({ redis: health, prefix: `${keyPrefix}provider-health:` }),
    turnLeases: new RedisTurnLeases({
      redis: commands,
      prefix: keyPrefix,
      logger,
      ...(options.turnLeaseMs ? { ttlMs: options.turnLeaseMs } : {}),
    }),
    announce: (store) => instances.announce(store),
    status() {
      const reasons: string[] = [];
      const down = connections.filter((redis) => redis.status !== 'ready').length;
      if (down > 0) reasons.push(`redis unreachable (${down} of ${connections.length} connections down)`);
      const foreign = instances.foreignStores;
      if (foreign.length > 0) {
        reasons.push(`other instances use another store (${foreign.join(', ')}): give all one MONGODB_URI`);
      }
      return { connected: down === 0, reasons };
    },
    async close() {
      await Promise.all(counters.map((counter) => counter.stop()));
      await instances.stop();
      await Promise.all(connections.map((redis) => closeRedis(redis)));
    },
  };
}

/** The shared state REDIS_URL (and REDIS_ADAPTER) select, connected (or degraded after a short wait). */
export async function createSharedState(options: SharedStateOptions): Promise<SharedState> {
  if (options.redisUrl === undefined) return localState();
  return redisState(options.redisUrl, {
    ...options,
    adapter: options.adapter ?? 'streams',
    keyPrefix: options.keyPrefix ?? 'echotune:',
  });
}
