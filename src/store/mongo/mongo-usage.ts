import { newId } from '../ids.js';
import type { NewUsageRecord } from '../records.js';
import type { UsageStore } from '../store.js';
import { nowIso, toIsoTime } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';

/** The usage (tokens, cost) of upstream model calls. */
export class MongoUsage implements UsageStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async recordUsage(input: NewUsageRecord): Promise<void> {
    const createdAt = input.createdAt === undefined ? nowIso() : toIsoTime(input.createdAt, 'createdAt');
    await this.#collections.usage.insertOne({ ...input, _id: newId(), createdAt });
  }

  async sumUsageCost(userId: string, since: Date): Promise<number> {
    const [row] = await this.#collections.usage
      .aggregate<{ total: number }>([
        { $match: { userId, createdAt: { $gte: since.toISOString() } } },
        { $group: { _id: null, total: { $sum: '$costUsd' } } },
      ])
      .toArray();
    return row?.total ?? 0;
  }
}
