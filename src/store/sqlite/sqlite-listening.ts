import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { ListeningEvent, Page, PageRequest } from '../records.js';
import type { ListeningStore, Synchronous } from '../store.js';
import { toIsoTime } from '../time.js';
import { type HistoryRow, toListeningEvent } from './sqlite-rows.js';
import { type SqliteStatements, WhereBuilder } from './sqlite-statements.js';

/** Listeners' play history. */
export class SqliteListening implements Synchronous<ListeningStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
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
