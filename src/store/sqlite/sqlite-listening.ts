import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { hourOfWeekCounts, skipSignals, statsBounds, toStoredPlay } from '../listening-events.js';
import type {
  ListeningEvent,
  ListeningStats,
  ListeningStatsQuery,
  NewListeningEvent,
  Page,
  PageRequest,
  PlayTotals,
  TasteTrack,
} from '../records.js';
import type { ListeningStore, Synchronous } from '../store.js';
import { toIsoTime } from '../time.js';
import { type HistoryRow, toListeningEvent } from './sqlite-rows.js';
import { type SqliteStatements, WhereBuilder } from './sqlite-statements.js';

/** The columns every grouped stats row sums, under the names of PlayTotals. */
const totals = `COUNT(*) AS plays, SUM(ms_played) AS msPlayed,
  SUM(signal IN (${skipSignals.map((signal) => `'${signal}'`).join(', ')})) AS skips`;
const inRange = 'user_id = ? AND played_at >= ? AND played_at < ?';

/** Listeners' play history. */
export class SqliteListening implements Synchronous<ListeningStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  addListeningHistory(events: NewListeningEvent[]): { inserted: number; duplicates: number } {
    const plays = events.map(toStoredPlay);
    return this.#sql.immediate(() => {
      let inserted = 0;
      for (const play of plays) {
        inserted += this.#sql.run(
          `INSERT OR IGNORE INTO listening_history
             (user_id, track_id, track_name, artist_name, album_name, played_at, ms_played, source, signal,
              incognito, genre)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          play.userId,
          play.trackId,
          play.trackName,
          play.artistName,
          play.albumName,
          play.playedAt,
          play.msPlayed,
          play.source,
          play.signal,
          play.incognito ? 1 : 0,
          play.genre,
        );
      }
      return { inserted, duplicates: events.length - inserted };
    });
  }

  listListeningHistory(
    filter: { userId?: string; from?: string; to?: string },
    page: PageRequest,
  ): Page<ListeningEvent> {
    const limit = clampLimit(page.limit);
    const where = new WhereBuilder();
    if (filter.userId !== undefined) where.add('user_id = ?', filter.userId);
    if (filter.from !== undefined) where.add('played_at >= ?', toIsoTime(filter.from, 'from'));
    if (filter.to !== undefined) where.add('played_at < ?', toIsoTime(filter.to, 'to'));
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

  listeningStats(query: ListeningStatsQuery): ListeningStats {
    const { from, to, top } = statsBounds(query);
    const range = [query.userId, from, to];
    const overall = this.#sql.get<PlayTotals & { matchedPlays: number; first: string; last: string }>(
      `SELECT ${totals}, COUNT(track_id) AS matchedPlays, MIN(played_at) AS first, MAX(played_at) AS last
       FROM listening_history WHERE ${inRange}`,
      ...range,
    )!;
    const grouped = <Row>(columns: string, groupBy: string, orderBy: string, extra = ''): Row[] =>
      this.#sql.all<Row>(
        `SELECT ${columns}, ${totals} FROM listening_history WHERE ${inRange} ${extra}
         GROUP BY ${groupBy} ${orderBy} LIMIT ?`,
        ...range,
        top,
      );
    const artists = (orderBy: string, having = '') =>
      grouped<PlayTotals & { artistName: string }>(
        'artist_name AS artistName',
        `artist_name ${having}`,
        orderBy,
      ).map(numbered);
    return {
      plays: overall.plays,
      msPlayed: overall.msPlayed ?? 0,
      skips: overall.skips ?? 0,
      matchedPlays: overall.matchedPlays,
      firstPlayedAt: overall.first,
      lastPlayedAt: overall.last,
      topTracks: grouped<PlayTotals & { trackName: string; artistName: string; trackId: string | null }>(
        'track_name AS trackName, artist_name AS artistName, MAX(track_id) AS trackId',
        'track_name, artist_name',
        'ORDER BY plays DESC, msPlayed DESC, track_name, artist_name',
      ).map(numbered),
      topArtists: artists('ORDER BY plays DESC, msPlayed DESC, artist_name'),
      mostSkippedArtists: artists('ORDER BY skips DESC, plays DESC, artist_name', 'HAVING skips > 0'),
      topGenres: grouped<PlayTotals & { genre: string }>(
        'genre',
        'genre',
        'ORDER BY plays DESC, msPlayed DESC, genre',
        'AND genre IS NOT NULL',
      ).map(numbered),
      playsByHourOfWeek: hourOfWeekCounts(
        this.#sql.all<{ hourOfWeek: number; plays: number }>(
          `SELECT CAST(strftime('%w', played_at) AS INTEGER) * 24 + CAST(strftime('%H', played_at) AS INTEGER)
             AS hourOfWeek, COUNT(*) AS plays
           FROM listening_history WHERE ${inRange} GROUP BY hourOfWeek`,
          ...range,
        ),
      ),
    };
  }

  listeningTaste(userId: string, limit: number): TasteTrack[] {
    return this.#sql.all<TasteTrack>(
      `SELECT MAX(track_id) AS trackId, track_name AS trackName, artist_name AS artistName,
         COUNT(*) AS plays, SUM(signal = 'skip') AS skips, SUM(signal = 'positive') AS positives
       FROM listening_history WHERE user_id = ? AND incognito = 0
       GROUP BY track_name, artist_name ORDER BY plays DESC, track_name, artist_name LIMIT ?`,
      userId,
      clampLimit(limit),
    );
  }
}

/** SQLite sums are null over no rows; a group always has rows, but keep the type honest. */
function numbered<Row extends PlayTotals>(row: Row): Row {
  return { ...row, msPlayed: row.msPlayed ?? 0, skips: row.skips ?? 0 };
}
