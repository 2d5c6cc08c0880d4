import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { CatalogTrack, Page, PageRequest } from '../records.js';
import type { CatalogStore } from '../store.js';
import type { MongoCollections } from './mongo-collections.js';
import { toTrack } from './mongo-documents.js';

/** Catalog tracks. */
export class MongoCatalog implements CatalogStore {
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
          replacement: fields,
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
}
