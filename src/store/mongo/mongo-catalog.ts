import { type Filter, MongoBulkWriteError } from 'mongodb';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type { CatalogTrack, ListeningEvent, Page, PageRequest } from '../records.js';
import { searchTextOf, searchWords } from '../search-text.js';
import { toIsoTime } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type HistoryDocument, toListeningEvent, toTrack } from './mongo-documents.js';
import { duplicateKeyCode } from './mongo-errors.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Catalog tracks and listeners' play history. */
export class MongoCatalog {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }> {
    if (tracks.length === 0) return { inserted: 0, updated: 0 };
    const operations = tracks.map((track) => {
      const { id, ...fields } = track;
      return {
        replaceOne: {
          filter: { _id: id },
          replacement: { ...fields, searchText: searchTextOf(track) },
          upsert: true,
        },
      };
    });
    const result = await this.#collections.tracks.bulkWrite(operations, { ordered: true });
    return { inserted: result.upsertedCount, updated: tracks.length - result.upsertedCount };
  }

  /** Tracks in the order of `ids`; unknown ids are left out. */
  async getTracks(ids: string[]): Promise<CatalogTrack[]> {
    if (ids.length === 0) return [];
    const documents = await this.#collections.tracks.find({ _id: { $in: ids } }).toArray();
    const found = new Map(documents.map((document) => [document._id, toTrack(document)]));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async listTracks(page: PageRequest): Promise<Page<CatalogTrack>> {
    const limit = clampLimit(page.limit);
    const filter =
      page.cursor === undefined ? {} : { _id: { $gt: decodeCursor(page.cursor, ['string'] as const)[0] } };
    const documents = await this.#collections.tracks
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    return toPage(documents, limit, toTrack, (document) => encodeCursor([document._id]));
  }

  countTracks(): Promise<number> {
    return this.#collections.tracks.countDocuments();
  }

  /** Every word must occur in the name or artists; most popular first. */
  async searchTracks(text: string, limit: number): Promise<CatalogTrack[]> {
    const words = searchWords(text);
    if (words.length === 0) return [];
    // Unanchored regexes on the lower-cased searchText field: portable (no text index, which FerretDB
    // lacks), and exact substring semantics identical to the SQLite adapter.
    const documents = await this.#collections.tracks
      .find({ $and: words.map((word) => ({ searchText: { $regex: escapeRegex(word) } })) })
      .sort({ popularity: -1, _id: 1 })
      .limit(clampLimit(limit))
      .toArray();
    return documents.map(toTrack);
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
