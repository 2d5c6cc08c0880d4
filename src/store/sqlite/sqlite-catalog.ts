import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { CatalogTrack, Page, PageRequest } from '../records.js';
import type { CatalogStore, Synchronous } from '../store.js';
import { type TrackRow, toTrack } from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';

/** SQLite limits bound parameters per statement; lookups by many ids go in chunks of this size. */
const idChunkSize = 500;

/** Catalog tracks. */
export class SqliteCatalog implements Synchronous<CatalogStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  upsertTracks(tracks: CatalogTrack[]): { inserted: number; updated: number } {
    return this.#sql.immediate(() => {
      let inserted = 0;
      for (const track of tracks) {
        if (this.#sql.get('SELECT 1 FROM tracks WHERE id = ?', track.id) === undefined) inserted += 1;
        this.#upsertTrack(track);
      }
      return { inserted, updated: tracks.length - inserted };
    });
  }

  #upsertTrack(track: CatalogTrack): void {
    this.#sql.run(
      `INSERT INTO tracks (id, name, artists, album, release_date, genres, popularity, duration_ms, explicit,
         features, estimated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, artists = excluded.artists,
         album = excluded.album, release_date = excluded.release_date, genres = excluded.genres,
         popularity = excluded.popularity, duration_ms = excluded.duration_ms, explicit = excluded.explicit,
         features = excluded.features, estimated = excluded.estimated`,
      track.id,
      track.name,
      JSON.stringify(track.artists),
      track.album,
      track.releaseDate,
      JSON.stringify(track.genres),
      track.popularity,
      track.durationMs,
      track.explicit === null ? null : Number(track.explicit),
      JSON.stringify(track.features),
      Number(track.estimated),
    );
  }

  /** Tracks in the order of `ids`; unknown ids are left out. */
  getTracks(ids: string[]): CatalogTrack[] {
    const found = new Map<string, CatalogTrack>();
    for (let start = 0; start < ids.length; start += idChunkSize) {
      const chunk = ids.slice(start, start + idChunkSize);
      const placeholders = chunk.map(() => '?').join(', ');
      const rows = this.#sql.database
        .prepare(`SELECT * FROM tracks WHERE id IN (${placeholders})`)
        .all(...chunk);
      for (const row of rows as TrackRow[]) found.set(row.id, toTrack(row));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  listTracks(page: PageRequest): Page<CatalogTrack> {
    const limit = clampLimit(page.limit);
    const afterId = page.cursor === undefined ? '' : decodeCursor(page.cursor, ['string'] as const)[0];
    const rows = this.#sql.all<TrackRow>(
      'SELECT * FROM tracks WHERE id > ? ORDER BY id LIMIT ?',
      afterId,
      limit + 1,
    );
    return toPage(rows, limit, toTrack, (row) => encodeCursor([row.id]));
  }

  countTracks(): number {
    return this.#sql.get<{ count: number }>('SELECT COUNT(*) AS count FROM tracks')!.count;
  }
}
