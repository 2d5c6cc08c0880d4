import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

interface Announcement {
  id: string;
  /** The store's location (see StoreLifecycle.location). */
  store: string;
  startedAt: string;
}

/**
 * Instances announce themselves in Redis (a key each, refreshed, expiring when an instance dies) and look
 * at who else is there. Several instances need one shared store: sessions written on one must be readable
 * on another. When the others' store is not this one's (typically each with its own SQLite file), the
 * log and /ready say so.
 */
export class InstanceRegistry {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #id = randomUUID();
  #announcement: Announcement | undefined;
  #timer: NodeJS.Timeout | undefined;
  #foreignStores: string[] = [];

  constructor(options: { redis: Redis; prefix: string; logger: Logger; intervalMs?: number }) {
    this.#redis = options.redis;
    this.#prefix = `${options.prefix}instance:`;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 5_000;
  }

  /** Starts announcing; resolves after the first look at the others. */
  async announce(store: string): Promise<void> {
    this.#announcement = { id: this.#id, store, startedAt: new Date().toISOString() };
    await this.#beat();
    this.#timer = setInterval(() => void this.#beat(), this.#intervalMs);
    this.#timer.unref();
  }

  /** The stores of other live instances that are not this one's (empty when all share it). */
  get foreignStores(): readonly string[] {
    return this.#foreignStores;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#announcement) await this.#redis.del(this.#prefix + this.#id).catch(() => undefined);
  }

  async #beat(): Promise<void> {
    const mine = this.#announcement;
    if (!mine || this.#redis.status !== 'ready') return;
    try {
      await this.#redis.set(this.#prefix + this.#id, JSON.stringify(mine), 'PX', this.#intervalMs * 3);
      const others = (await this.#others()).filter((other) => other.id !== mine.id);
      this.#report([...new Set(others.map((other) => other.store).filter((store) => store !== mine.store))]);
    } catch (error) {
      this.#logger.debug({ error: String(error) }, 'instance announcement failed');
    }
  }

  async #others(): Promise<Announcement[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.#redis.scan(cursor, 'MATCH', `${this.#prefix}*`, 'COUNT', 100);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(keys);
    return values.flatMap((value) => {
      if (!value) return [];
      try {
        return [JSON.parse(value) as Announcement];
      } catch {
        return [];
      }
    });
  }

  #report(foreign: string[]): void {
    const changed = foreign.join('\n') !== this.#foreignStores.join('\n');
    this.#foreignStores = foreign;
    if (!changed || foreign.length === 0) return;
    this.#logger.warn(
      { thisStore: this.#announcement?.store, otherStores: foreign },
      'other instances share this Redis but not this store: sessions and messages are not shared between ' +
        'them; give every instance the same MONGODB_URI',
    );
  }
}
