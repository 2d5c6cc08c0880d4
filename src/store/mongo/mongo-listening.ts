import { type Collection, type Filter, MongoBulkWriteError } from 'mongodb';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import { statsBounds, toStoredPlay } from '../listening-events.js';
import { StatsTally, type TalliedPlay, TasteTally } from '../play-tally.js';
import type {
  ListeningEvent,
  ListeningStats,
  ListeningStatsQuery,
  NewListeningEvent,
  Page,
  PageRequest,
  TasteTrack,
} from '../records.js';
import type { ListeningStore } from '../store.js';
import { toIsoTime } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type HistoryDocument, toListeningEvent } from './mongo-documents.js';
import { duplicateKeyCode } from './mongo-errors.js';

/**
 * Listeners' play history. Stats and taste read the listener's plays from the (userId, playedAt) index
 * and count them here (play-tally.ts): FerretDB 1.24's $group gets only its first accumulator right.
 */
export class MongoListening implements ListeningStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async addListeningHistory(events: NewListeningEvent[]): Promise<{ inserted: number; duplicates: number }> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const documents: HistoryDocument[] = events.map((event) => {
      const play = toStoredPlay(event);
      return { ...play, _id: newId() };
    });
    const inserted = await insertPlaysIgnoringDuplicates(this.#collections.history, documents);
    return { inserted, duplicates: events.length - inserted };
  }

  async listListeningHistory(
    filter: { userId?: string; from?: string; to?: string },
    page: PageRequest,
  ): Promise<Page<ListeningEvent>> {
    const limit = clampLimit(page.limit);
    const query: Filter<HistoryDocument> = {};
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (filter.from !== undefined || filter.to !== undefined) {
      query.playedAt = {
        ...(filter.from === undefined ? {} : { $gte: toIsoTime(filter.from, 'from') }),
        ...(filter.to === undefined ? {} : { $lt: toIsoTime(filter.to, 'to') }),
      };
    }
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

  async listeningStats(query: ListeningStatsQuery): Promise<ListeningStats> {
    const { from, to, top } = statsBounds(query);
    const tally = new StatsTally();
    await this.#eachPlay({ userId: query.userId, playedAt: { $gte: from, $lt: to } }, (play) =>
      tally.add(play),
    );
    return tally.stats(top);
  }

  async listeningTaste(userId: string, limit: number): Promise<TasteTrack[]> {
    const tally = new TasteTally();
    await this.#eachPlay({ userId, incognito: { $ne: true } }, (play) => tally.add(play));
    return tally.tracks(clampLimit(limit));
  }

  /** Reads the matching plays once, only the fields a tally needs, in large batches. */
  async #eachPlay(filter: Filter<HistoryDocument>, visit: (play: TalliedPlay) => void): Promise<void> {
    const cursor = this.#collections.history.find(filter, { projection: tallyFields, batchSize: 5000 });
    for await (const document of cursor) {
      visit({
        trackId: document.trackId ?? null,
        trackName: document.trackName,
        artistName: document.artistName,
        playedAt: document.playedAt,
        msPlayed: document.msPlayed,
        signal: document.signal ?? 'neutral',
        genre: document.genre ?? null,
      });
    }
  }
}

/** Unordered insert: every new play goes in, and the unique index rejects the ones already stored. */
export async function insertPlaysIgnoringDuplicates(
  history: Collection<HistoryDocument>,
  documents: HistoryDocument[],
): Promise<number> {
  if (documents.length === 0) return 0;
  try {
    return (await history.insertMany(documents, { ordered: false })).insertedCount;
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.some((writeError) => writeError.code !== duplicateKeyCode)) throw error;
    return error.insertedCount;
  }
}

const tallyFields = {
  _id: 0,
  trackId: 1,
  trackName: 1,
  artistName: 1,
  playedAt: 1,
  msPlayed: 1,
  signal: 1,
  genre: 1,
} as const;
