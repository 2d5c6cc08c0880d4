import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { TurnLease, TurnLeases } from '../chat/index.js';
import { localTurnLeases } from '../chat/index.js';
import { EchoError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Only the holder may extend or release: compare the value, then act, atomically. A lease that vanished
 * (Redis restarted without its data) is taken back by its holder, if nobody took it meanwhile.
 */
const renewScript = `local holder = redis.call('get', KEYS[1])
if holder == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not holder then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export interface RedisTurnLeaseOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** A holder that stops renewing (its instance died) loses the lease after this long. */
  ttlMs?: number;
  /** How often a waiting instance tries again. */
  pollMs?: number;
}

/**
 * Session turn leases in Redis: `SET key holder NX PX ttl`, renewed at a third of the TTL while held,
 * released by compare-and-delete. The holder value carries a fencing token from one counter. While Redis
 * is away, leases fall back to this instance alone (degraded, like everything shared).
 */
export class RedisTurnLeases implements TurnLeases {
  readonly shared = true;
  readonly expiresAfterMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #pollMs: number;
  readonly #instanceId = randomUUID();

  constructor(options: RedisTurnLeaseOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.expiresAfterMs = this.#ttlMs;
    this.#pollMs = options.pollMs ?? 100;
  }

  async acquire(sessionId: string, signal: AbortSignal): Promise<TurnLease> {
    if (this.#redis.status !== 'ready') return localTurnLeases.acquire(sessionId, signal);
    try {
      const claim = await this.#claimant(sessionId);
      for (;;) {
        if (signal.aborted) throw new EchoError('cancelled', 'Stopped waiting for the session');
        const lease = await claim();
        if (lease) return lease;
        await delay(this.#pollMs, undefined, { signal }).catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof EchoError) throw error;
      this.#logger.warn(
        { sessionId, error: String(error) },
        'turn lease unavailable; running on this instance alone',
      );
      return localTurnLeases.acquire(sessionId, signal);
    }
  }

  async tryAcquire(sessionId: string): Promise<TurnLease | null> {
    // Without Redis nobody can tell whether the holder is alive: never take a turn over then.
    if (this.#redis.status !== 'ready') return null;
    try {
      return await (await this.#claimant(sessionId))();
    } catch (error) {
      this.#logger.debug({ sessionId, error: String(error) }, 'turn lease probe failed');
      return null;
    }
  }

  /** One token per attempt to hold the session; each call of the claim tries `SET NX` once. */
  async #claimant(sessionId: string): Promise<() => Promise<TurnLease | null>> {
    const key = `${this.#prefix}turn-lease:${sessionId}`;
    const token = await this.#redis.incr(`${this.#prefix}turn-lease-token`);
    const holder = `${this.#instanceId}:${token}`;
    return async () => {
      const taken = await this.#redis.set(key, holder, 'PX', this.#ttlMs, 'NX');
      return taken === 'OK' ? this.#held(key, holder, token) : null;
    };
  }

  #held(key: string, holder: string, token: number): TurnLease {
    const renew = () => {
      this.#redis.eval(renewScript, 1, key, holder, this.#ttlMs).then(
        (renewed) => {
          if (renewed === 0) this.#logger.warn({ key, token }, 'turn lease lost while the turn runs');
        },
        (error: unknown) => this.#logger.debug({ key, error: String(error) }, 'turn lease renewal failed'),
      );
    };
    const timer = setInterval(renew, Math.max(100, Math.floor(this.#ttlMs / 3)));
    timer.unref();
    return {
      token,
      release: async () => {
        clearInterval(timer);
        await this.#redis.eval(releaseScript, 1, key, holder).catch((error: unknown) => {
          // It expires by itself; a waiting instance gets it then.
          this.#logger.debug({ key, error: String(error) }, 'turn lease release failed');
        });
      },
    };
  }
}
