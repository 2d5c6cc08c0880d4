import type { Redis } from 'ioredis';
import { emptyHealthRecord, type HealthRecord, type HealthStore } from '../providers/index.js';

export interface RedisHealthStoreOptions {
  redis: Redis;
  /** Key prefix, so several EchoTune installations can share one Redis. */
  prefix?: string;
  /** Records of deployments nobody used for this long expire. */
  ttlSeconds?: number;
}

const maximumUpdateTries = 50;

/**
 * Health shared by every instance: one JSON value per deployment, changed with optimistic
 * transactions (WATCH/MULTI) so two instances recording at once never lose an update.
 */
export class RedisHealthStore implements HealthStore {
  readonly shared = true;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly cache = new Map<string, HealthRecord>();
  /** Updates of this instance run one at a time: WATCH and UNWATCH act on the whole connection. */
  private updates: Promise<unknown> = Promise.resolve();

  constructor(options: RedisHealthStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'echotune:provider-health:';
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }

  /** While Redis is away this instance routes on what it has seen, and keeps recording it locally. */
  private get offline(): boolean {
    return this.redis.status !== 'ready';
  }

  async read(ids: readonly string[]): Promise<Map<string, HealthRecord>> {
    if (this.offline) return new Map(ids.map((id) => [id, this.cache.get(id) ?? emptyHealthRecord()]));
    const values = ids.length === 0 ? [] : await this.redis.mget(ids.map((id) => this.key(id)));
    const records = new Map<string, HealthRecord>();
    ids.forEach((id, index) => {
      const record = parseRecord(values[index] ?? null);
      records.set(id, record);
      this.cache.set(id, record);
    });
    return records;
  }

  update(
    id: string,
    change: (record: HealthRecord) => HealthRecord | null,
  ): Promise<{ applied: boolean; record: HealthRecord }> {
    if (this.offline) return Promise.resolve(this.updateLocally(id, change));
    const next = this.updates.then(() => this.updateNow(id, change));
    this.updates = next.catch(() => undefined);
    return next;
  }

  private updateLocally(
    id: string,
    change: (record: HealthRecord) => HealthRecord | null,
  ): { applied: boolean; record: HealthRecord } {
    const current = this.cache.get(id) ?? emptyHealthRecord();
    const next = change(current);
    if (next === null) return { applied: false, record: current };
    this.cache.set(id, next);
    return { applied: true, record: next };
  }

  private async updateNow(
    id: string,
    change: (record: HealthRecord) => HealthRecord | null,
  ): Promise<{ applied: boolean; record: HealthRecord }> {
    const key = this.key(id);
    // Optimistic: if another instance changes the key between GET and EXEC, EXEC returns null and
    // the change is applied again to the newer record.
    for (let tries = 0; tries < maximumUpdateTries; tries += 1) {
      await this.redis.watch(key);
      const current = parseRecord(await this.redis.get(key));
      const next = change(current);
      if (next === null) {
        await this.redis.unwatch();
        this.cache.set(id, current);
        return { applied: false, record: current };
      }
      const result = await this.redis.multi().set(key, JSON.stringify(next), 'EX', this.ttlSeconds).exec();
      if (result !== null) {
        this.cache.set(id, next);
        return { applied: true, record: next };
      }
      // Lost the race to another instance: a short random pause keeps two losers from colliding again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    }
    throw new Error(`health record ${id} kept changing under concurrent updates`);
  }

  cached(id: string): HealthRecord | undefined {
    return this.cache.get(id);
  }

  /** The connection belongs to the shared state, which closes it. */
  async close(): Promise<void> {}
}

function parseRecord(value: string | null): HealthRecord {
  if (!value) return emptyHealthRecord();
  try {
    return { ...emptyHealthRecord(), ...(JSON.parse(value) as Partial<HealthRecord>) };
  } catch {
    return emptyHealthRecord();
  }
}
