import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import {
  type ConnectionCounter,
  type ConnectionCounterSettings,
  LocalConnectionCounter,
} from './connection-counter.js';

/**
 * KEYS[1]: the set of every instance's hash for this cap; KEYS[2]: this instance's hash. Sums the key's
 * places over the live instances (a dead one's hash has expired: it leaves the set), and takes one here
 * unless the cap is reached. ARGV: key, cap, TTL of this instance's hash in ms.
 */
const openScript = `local total = 0
for _, hash in ipairs(redis.call('smembers', KEYS[1])) do
  local places = redis.call('hget', hash, ARGV[1])
  if places then total = total + tonumber(places)
  elseif hash ~= KEYS[2] and redis.call('exists', hash) == 0 then redis.call('srem', KEYS[1], hash) end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('hincrby', KEYS[2], ARGV[1], 1)
redis.call('pexpire', KEYS[2], ARGV[3])
redis.call('sadd', KEYS[1], KEYS[2])
return 1`;
const closeScript = `if redis.call('hincrby', KEYS[1], ARGV[1], -1) <= 0 then redis.call('hdel', KEYS[1], ARGV[1]) end
return 0`;

export interface RedisConnectionCounterOptions extends ConnectionCounterSettings {
  redis: Redis;
  /** Prefix of the installation's keys. */
  prefix: string;
  logger: Logger;
  /** How often this instance's hash is kept alive; it expires three beats after the instance dies. */
  beatMs?: number;
}

/**
 * Open connections across instances: each instance keeps its own places in a hash of its own that
 * expires unless it is renewed, so a killed instance's connections stop counting within three beats
 * (15 s) instead of holding places for an hour. A connect sums the key over the live hashes in one
 * script. While Redis is away the cap applies to this instance alone; the next beat writes the hash
 * afresh from this instance's exact counts (also after Redis lost its data).
 */
export class RedisConnectionCounter implements ConnectionCounter {
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #limit: number;
  readonly #setKey: string;
  readonly #hashKey: string;
  readonly #beatMs: number;
  readonly #here: LocalConnectionCounter;
  readonly #timer: NodeJS.Timeout;
  /** Places were taken or given back without Redis: its hash is behind this instance's counts. */
  #stale = false;

  constructor(options: RedisConnectionCounterOptions) {
    this.#redis = options.redis;
    this.#logger = options.logger;
    this.#limit = options.limit;
    this.#setKey = `${options.prefix}connections:${options.keyPrefix}`;
    this.#hashKey = `${this.#setKey}:${randomUUID()}`;
    this.#beatMs = options.beatMs ?? 5_000;
    this.#here = new LocalConnectionCounter(options.limit);
    this.#timer = setInterval(() => void this.#beat(), this.#beatMs);
    this.#timer.unref();
  }

  async open(key: string): Promise<boolean> {
    if (this.#redis.status !== 'ready') return this.#openAlone(key);
    try {
      const granted = await this.#redis.eval(
        openScript,
        2,
        this.#setKey,
        this.#hashKey,
        key,
        this.#limit,
        this.#ttlMs,
      );
      if (granted !== 1) return false;
      this.#here.add(key);
      return true;
    } catch (error) {
      this.#logger.debug({ error: String(error) }, 'shared connection count failed; counting here');
      return this.#openAlone(key);
    }
  }

  close(key: string): void {
    this.#here.close(key);
    if (this.#redis.status !== 'ready') {
      this.#stale = true;
      return;
    }
    this.#redis.eval(closeScript, 1, this.#hashKey, key).catch(() => {
      this.#stale = true;
    });
  }

  /** Stops renewing: the hash expires three beats later (what a killed instance leaves). */
  stopRenewing(): void {
    clearInterval(this.#timer);
  }

  /** Stops renewing and removes this instance's places (a graceful stop). */
  async stop(): Promise<void> {
    this.stopRenewing();
    if (this.#redis.status !== 'ready') return;
    await this.#redis
      .multi()
      .del(this.#hashKey)
      .srem(this.#setKey, this.#hashKey)
      .exec()
      .catch(() => undefined);
  }

  get #ttlMs(): number {
    return this.#beatMs * 3;
  }

  #openAlone(key: string): boolean {
    const opened = this.#here.openHere(key);
    if (opened) this.#stale = true;
    return opened;
  }

  /** Renews the hash; rewrites it from this instance's counts when it is behind or gone. */
  async #beat(): Promise<void> {
    if (this.#redis.status !== 'ready') return;
    try {
      if (!this.#stale && (await this.#redis.pexpire(this.#hashKey, this.#ttlMs)) === 1) return;
      this.#stale = false;
      const counts = [...this.#here.entries()].flatMap(([key, places]) => [key, String(places)]);
      const rewrite = this.#redis.multi().del(this.#hashKey);
      if (counts.length > 0) {
        rewrite.hset(this.#hashKey, ...counts).pexpire(this.#hashKey, this.#ttlMs);
        rewrite.sadd(this.#setKey, this.#hashKey);
      }
      await rewrite.exec();
    } catch (error) {
      this.#stale = true;
      this.#logger.debug({ error: String(error) }, 'connection count renewal failed');
    }
  }
}
