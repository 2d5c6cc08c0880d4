import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { CatalogTrack, ListeningEvent, Page, PageRequest } from '../records.js';
import { searchTextOf, searchWords } from '../search-text.js';
import { toIsoTime } from '../time.js';
import { type HistoryRow, type TrackRow, toListeningEvent, toTrack } from './sqlite-rows.js';
import { type SqliteStatements, WhereBuilder } from './sqlite-statements.js';

/** SQLite limits bound parameters per statement; lookups by many ids go in chunks of this size. */
const idChunkSize = 500;

/** Catalog tracks and listeners' play history. */
export class SqliteCatalog {
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
         features, estimated, search_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, artists = excluded.artists,
         album = excluded.album, release_date = excluded.release_date, genres = excluded.genres,
         popularity = excluded.popularity, duration_ms = excluded.duration_ms, explicit = excluded.explicit,
         features = excluded.features, estimated = excluded.estimated, search_text = excluded.search_text`,
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
      searchTextOf(track),
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

  /** Every word must occur in the name or artists; most popular first. */
  searchTracks(text: string, limit: number): CatalogTrack[] {
    const words = searchWords(text);
    if (words.length === 0) return [];
    // instr() rather than LIKE, so '%' and '_' typed by a listener match literally. Not cached: the SQL
    // varies with the number of words.
    const conditions = words.map(() => 'instr(search_text, ?) > 0').join(' AND ');
    const rows = this.#sql.database
      .prepare(`SELECT * FROM tracks WHERE ${conditions} ORDER BY popularity DESC, id LIMIT ?`)
      .all(...words, clampLimit(limit));
    return (rows as TrackRow[]).map(toTrack);
  }

  addListeningHistory(events: ListeningEvent[]): { inserted: number; duplicates: number } {
    return this.#sql.immediate(() => {
      let inserted = 0;
      for (const event of events) {
        inserted += this.#sql.run(
          `INSERT OR IGNORE INTO listening_history
             (user_id, track_id, track_name, artist_name, played_at, ms_played, source)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          event.userId,
          event.trackId,
          event.trackName,
          event.artistName,
          toIsoTime(event.playedAt, 'playedAt'),
          event.msPlayed,
          event.source,
        );
      }
      return { inserted, duplicates: events.length - inserted };
    });
  }

  listListeningHistory(filter: { userId?: string }, page: PageRequest): Page<ListeningEvent> {
    const limit = clampLimit(page.limit);
    const where = new WhereBuilder();
    if (filter.userId !== undefined) where.add('user_id = ?', filter.userId);
    if (page.cursor !== undefined) {
      const [playedAt, id] = decodeCursor(page.cursor, ['string', 'number'] as const);
      where.add('(played_at < ? OR (played_at = ? AND id < ?))', playedAt, playedAt, id);
    }
    const rows = this.#sql.all<HistoryRow>(
      `SELECT * FROM listening_history ${where} ORDER BY played_at DESC, id DESC LIMIT ?`,
      ...where.parameters,
      limit + 1,
    );
    return toPage(rows, limit, toListeningEvent, (row) => encodeCursor([row.played_at, row.id]));
  }
}
