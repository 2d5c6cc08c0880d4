import type { NewTurnProgress, TurnProgress } from '../records.js';
import type { TurnProgressStore } from '../store.js';
import { nowIso } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';

/** Running turns' saved progress. */
export class MongoTurns implements TurnProgressStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async saveTurnProgress(progress: NewTurnProgress): Promise<void> {
    const { turnId, ...fields } = progress;
    await this.#collections.turnProgress.replaceOne(
      { _id: turnId },
      { ...fields, updatedAt: nowIso() },
      { upsert: true },
    );
  }

  async deleteTurnProgress(turnId: string): Promise<void> {
    await this.#collections.turnProgress.deleteOne({ _id: turnId });
  }

  async listTurnProgress(limit: number): Promise<TurnProgress[]> {
    const documents = await this.#collections.turnProgress
      .find({})
      .sort({ updatedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return documents.map(({ _id, ...fields }) => ({ turnId: _id, ...fields }));
  }
}
