import { type Filter, MongoBulkWriteError } from 'mongodb';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type { ListeningEvent, Page, PageRequest } from '../records.js';
import type { ListeningStore } from '../store.js';
import { toIsoTime } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type HistoryDocument, toListeningEvent } from './mongo-documents.js';
import { duplicateKeyCode } from './mongo-errors.js';

/** Listeners' play history. */
export class MongoListening implements ListeningStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async addListeningHistory(events: ListeningEvent[]): Promise<{ inserted: number; duplicates: number }> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const documents: HistoryDocument[] = events.map((event) => ({
      ...event,
      _id: newId(),
      playedAt: toIsoTime(event.playedAt, 'playedAt'),
    }));
    const inserted = await this.#insertIgnoringDuplicates(documents);
    return { inserted, duplicates: events.length - inserted };
  }

  /** Unordered insert: every new play goes in, and the unique index rejects the ones already stored. */
  async #insertIgnoringDuplicates(documents: HistoryDocument[]): Promise<number> {
    try {
      return (await this.#collections.history.insertMany(documents, { ordered: false })).insertedCount;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((writeError) => writeError.code !== duplicateKeyCode)) throw error;
      return error.insertedCount;
    }
  }

  async listListeningHistory(filter: { userId?: string }, page: PageRequest): Promise<Page<ListeningEvent>> {
    const limit = clampLimit(page.limit);
    const query: Filter<HistoryDocument> = {};
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (page.cursor !== undefined) {
      const [playedAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
      query.$or = [{ playedAt: { $lt: playedAt } }, { playedAt, _id: { $lt: id } }];
    }
    const documents = await this.#collections.history
      .find(query)
      .sort({ playedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    return toPage(documents, limit, toListeningEvent, (document) =>
      encodeCursor([document.playedAt, document._id]),
    );
  }
}
