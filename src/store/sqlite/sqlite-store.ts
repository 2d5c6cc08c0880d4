import type { Database, Statement } from 'better-sqlite3';
import { EchoError } from '../../errors.js';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  AppendResult,
  CatalogTrack,
  Feedback,
  ImportJob,
  ImportJobPatch,
  ListeningEvent,
  Message,
  NewFeedback,
  NewImportJob,
  NewMessage,
  NewRecommendation,
  NewUsageRecord,
  Page,
  PageRequest,
  Recommendation,
  RecommendationItem,
  Session,
  User,
} from '../records.js';
import { searchTextOf, searchWords } from '../search-text.js';
import type { Store } from '../store.js';
import { guard } from '../store-failure.js';
import { nowIso, toIsoTime } from '../time.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { applySqliteMigrations } from './sqlite-migrations.js';
import {
  type FeedbackRow,
  type HistoryRow,
  type ImportJobRow,
  type MessageRow,
  type RecommendationRow,
  type SessionRow,
  type TrackRow,
  toFeedback,
  toImportJob,
  toListeningEvent,
  toMessage,
  toRecommendation,
  toSession,
  toTrack,
  toUser,
  type UserRow,
} from './sqlite-rows.js';

/** SQLite limits bound parameters per statement; lookups by many ids go in chunks of this size. */
const idChunkSize = 500;

const importJobColumns = {
  status: 'status',
  total: 'total',
  processed: 'processed',
  imported: 'imported',
  merged: 'merged',
  rejected: 'rejected',
  errors: 'errors',
} as const satisfies Record<keyof ImportJobPatch, string>;

/**
 * The embedded adapter. better-sqlite3 is synchronous, so each method runs to completion before another
 * starts in this process; BEGIN IMMEDIATE transactions make read-modify-write steps (seq assignment)
 * atomic against other processes sharing the file too.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly #database: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(options: { path: string }) {
    this.#database = openSqliteDatabase(options.path);
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get<Row>(sql: string, ...parameters: unknown[]): Row | undefined {
    return this.#statement(sql).get(...parameters) as Row | undefined;
  }

  #all<Row>(sql: string, ...parameters: unknown[]): Row[] {
    return this.#statement(sql).all(...parameters) as Row[];
  }

  #run(sql: string, ...parameters: unknown[]): number {
    return this.#statement(sql).run(...parameters).changes;
  }

  init(): Promise<void> {
    return guard('init', () => {
      applySqliteMigrations(this.#database);
    });
  }

  async close(): Promise<void> {
    if (this.#database.open) this.#database.close();
  }

  ping(): Promise<void> {
    return guard('ping', () => {
      this.#get('SELECT 1');
    });
  }

  /** Idempotent on id: creating a user that exists returns the stored user unchanged. */
  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User> {
    return guard('createUser', () => {
      this.#run(
        'INSERT OR IGNORE INTO users (id, kind, display_name, created_at) VALUES (?, ?, ?, ?)',
        input.id,
        input.kind,
        input.displayName ?? null,
        nowIso(),
      );
      return toUser(this.#get<UserRow>('SELECT * FROM users WHERE id = ?', input.id)!);
    });
  }

  getUser(id: string): Promise<User | null> {
    return guard('getUser', () => {
      const row = this.#get<UserRow>('SELECT * FROM users WHERE id = ?', id);
      return row === undefined ? null : toUser(row);
    });
  }

  createSession(input: { userId: string; title: string }): Promise<Session> {
    return guard('createSession', () => {
      const now = nowIso();
      const session: Session = {
        id: newId(),
        userId: input.userId,
        title: input.title,
        createdAt: now,
        updatedAt: now,
        lastSeq: 0,
      };
      this.#run(
        'INSERT INTO sessions (id, user_id, title, created_at, updated_at, last_seq) VALUES (?, ?, ?, ?, ?, 0)',
        session.id,
        session.userId,
        session.title,
        now,
        now,
      );
      return session;
    });
  }

  getSession(id: string): Promise<Session | null> {
    return guard('getSession', () => {
      const row = this.#get<SessionRow>('SELECT * FROM sessions WHERE id = ?', id);
      return row === undefined ? null : toSession(row);
    });
  }

  listSessions(userId: string, page: PageRequest): Promise<Page<Session>> {
    return guard('listSessions', () => {
      const limit = clampLimit(page.limit);
      const rows =
        page.cursor === undefined
          ? this.#all<SessionRow>(
              'SELECT * FROM sessions WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?',
              userId,
              limit + 1,
            )
          : this.#sessionsAfter(userId, page.cursor, limit);
      return toPage(rows, limit, toSession, (row) => encodeCursor([row.updated_at, row.id]));
    });
  }

  #sessionsAfter(userId: string, cursor: string, limit: number): SessionRow[] {
    const [updatedAt, id] = decodeCursor(cursor, ['string', 'string'] as const);
    return this.#all<SessionRow>(
      `SELECT * FROM sessions WHERE user_id = ? AND (updated_at < ? OR (updated_at = ? AND id < ?))
       ORDER BY updated_at DESC, id DESC LIMIT ?`,
      userId,
      updatedAt,
      updatedAt,
      id,
      limit + 1,
    );
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return guard('appendMessage', () => this.#database.transaction(() => this.#append(input)).immediate());
  }

  #append(input: NewMessage): AppendResult {
    const session = this.#get<SessionRow>('SELECT * FROM sessions WHERE id = ?', input.sessionId);
    if (session === undefined) throw new EchoError('not_found', `Session ${input.sessionId} not found`);
    const clientMsgId = input.clientMsgId ?? null;
    if (clientMsgId !== null) {
      const existing = this.#get<MessageRow>(
        'SELECT * FROM messages WHERE session_id = ? AND client_msg_id = ?',
        input.sessionId,
        clientMsgId,
      );
      if (existing !== undefined) return { message: toMessage(existing), created: false };
    }
    const message: Message = {
      id: newId(),
      sessionId: input.sessionId,
      seq: session.last_seq + 1,
      role: input.role,
      text: input.text,
      clientMsgId,
      createdAt: nowIso(),
      meta: input.meta ?? null,
    };
    this.#run(
      'UPDATE sessions SET last_seq = ?, updated_at = ? WHERE id = ?',
      message.seq,
      message.createdAt,
      message.sessionId,
    );
    this.#run(
      `INSERT INTO messages (id, session_id, seq, role, text, client_msg_id, created_at, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      message.id,
      message.sessionId,
      message.seq,
      message.role,
      message.text,
      message.clientMsgId,
      message.createdAt,
      message.meta === null ? null : JSON.stringify(message.meta),
    );
    return { message, created: true };
  }

  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>> {
    return guard('listMessages', () => {
      const limit = clampLimit(query.limit);
      const rows = this.#all<MessageRow>(
        'SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
        sessionId,
        query.afterSeq,
        limit + 1,
      );
      return toPage(rows, limit, toMessage, (row) => String(row.seq));
    });
  }

  recentMessages(sessionId: string, limit: number): Promise<Message[]> {
    return guard('recentMessages', () => {
      const rows = this.#all<MessageRow>(
        'SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?',
        sessionId,
        clampLimit(limit),
      );
      return rows.reverse().map(toMessage);
    });
  }

  saveRecommendation(input: NewRecommendation): Promise<Recommendation> {
    return guard('saveRecommendation', () => {
      const recommendation: Recommendation = {
        ...input,
        id: input.id ?? newId(),
        createdAt: nowIso(),
        expiresAt: toIsoTime(input.expiresAt, 'expiresAt'),
      };
      this.#run(
        `INSERT INTO recommendations (id, session_id, user_id, turn_id, query, tracks, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        recommendation.id,
        recommendation.sessionId,
        recommendation.userId,
        recommendation.turnId,
        JSON.stringify(recommendation.query),
        JSON.stringify(recommendation.tracks),
        recommendation.createdAt,
        recommendation.expiresAt,
      );
      return recommendation;
    });
  }

  /** An expired recommendation reads as absent even before a sweep removes it. */
  getRecommendation(id: string): Promise<Recommendation | null> {
    return guard('getRecommendation', () => {
      const row = this.#get<RecommendationRow>(
        'SELECT * FROM recommendations WHERE id = ? AND expires_at > ?',
        id,
        nowIso(),
      );
      return row === undefined ? null : toRecommendation(row);
    });
  }

  listRecommendedTrackIds(sessionId: string): Promise<string[]> {
    return guard('listRecommendedTrackIds', () => {
      const rows = this.#all<Pick<RecommendationRow, 'tracks'>>(
        'SELECT tracks FROM recommendations WHERE session_id = ? AND expires_at > ? ORDER BY created_at, id',
        sessionId,
        nowIso(),
      );
      const items = rows.flatMap((row) => JSON.parse(row.tracks) as RecommendationItem[]);
      return [...new Set(items.map((item) => item.trackId))];
    });
  }

  sweepExpired(now: Date = new Date()): Promise<number> {
    return guard('sweepExpired', () =>
      this.#run('DELETE FROM recommendations WHERE expires_at <= ?', now.toISOString()),
    );
  }

  addFeedback(input: NewFeedback): Promise<Feedback> {
    return guard('addFeedback', () => {
      const feedback: Feedback = { ...input, id: newId(), createdAt: nowIso() };
      this.#run(
        `INSERT INTO feedback (id, user_id, session_id, recommendation_id, track_id, signal, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        feedback.id,
        feedback.userId,
        feedback.sessionId,
        feedback.recommendationId,
        feedback.trackId,
        feedback.signal,
        feedback.createdAt,
      );
      return feedback;
    });
  }

  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Promise<Page<Feedback>> {
    return guard('listFeedback', () => {
      const limit = clampLimit(page.limit);
      const conditions: string[] = [];
      const parameters: unknown[] = [];
      if (filter.userId !== undefined) {
        conditions.push('user_id = ?');
        parameters.push(filter.userId);
      }
      if (filter.sessionId !== undefined) {
        conditions.push('session_id = ?');
        parameters.push(filter.sessionId);
      }
      if (page.cursor !== undefined) {
        const [createdAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
        conditions.push('(created_at < ? OR (created_at = ? AND id < ?))');
        parameters.push(createdAt, createdAt, id);
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const rows = this.#all<FeedbackRow>(
        `SELECT * FROM feedback ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
        ...parameters,
        limit + 1,
      );
      return toPage(rows, limit, toFeedback, (row) => encodeCursor([row.created_at, row.id]));
    });
  }

  upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }> {
    return guard('upsertTracks', () =>
      this.#database.transaction(() => this.#upsertTracks(tracks)).immediate(),
    );
  }

  #upsertTracks(tracks: CatalogTrack[]): { inserted: number; updated: number } {
    let inserted = 0;
    for (const track of tracks) {
      if (this.#get('SELECT 1 FROM tracks WHERE id = ?', track.id) === undefined) inserted += 1;
      this.#run(
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
    return { inserted, updated: tracks.length - inserted };
  }

  /** Tracks in the order of `ids`; unknown ids are left out. */
  getTracks(ids: string[]): Promise<CatalogTrack[]> {
    return guard('getTracks', () => {
      const found = new Map<string, CatalogTrack>();
      for (let start = 0; start < ids.length; start += idChunkSize) {
        const chunk = ids.slice(start, start + idChunkSize);
        const placeholders = chunk.map(() => '?').join(', ');
        for (const row of this.#all<TrackRow>(
          `SELECT * FROM tracks WHERE id IN (${placeholders})`,
          ...chunk,
        )) {
          found.set(row.id, toTrack(row));
        }
      }
      return ids.flatMap((id) => found.get(id) ?? []);
    });
  }

  listTracks(page: PageRequest): Promise<Page<CatalogTrack>> {
    return guard('listTracks', () => {
      const limit = clampLimit(page.limit);
      const afterId = page.cursor === undefined ? '' : decodeCursor(page.cursor, ['string'] as const)[0];
      const rows = this.#all<TrackRow>(
        'SELECT * FROM tracks WHERE id > ? ORDER BY id LIMIT ?',
        afterId,
        limit + 1,
      );
      return toPage(rows, limit, toTrack, (row) => encodeCursor([row.id]));
    });
  }

  countTracks(): Promise<number> {
    return guard(
      'countTracks',
      () => this.#get<{ count: number }>('SELECT COUNT(*) AS count FROM tracks')!.count,
    );
  }

  /** Every word must occur in the name or artists; most popular first. */
  searchTracks(text: string, limit: number): Promise<CatalogTrack[]> {
    return guard('searchTracks', () => {
      const words = searchWords(text);
      if (words.length === 0) return [];
      // instr() rather than LIKE, so '%' and '_' typed by a listener match literally.
      const conditions = words.map(() => 'instr(search_text, ?) > 0').join(' AND ');
      const rows = this.#database
        .prepare(`SELECT * FROM tracks WHERE ${conditions} ORDER BY popularity DESC, id LIMIT ?`)
        .all(...words, clampLimit(limit)) as TrackRow[];
      return rows.map(toTrack);
    });
  }

  addListeningHistory(events: ListeningEvent[]): Promise<{ inserted: number; duplicates: number }> {
    return guard('addListeningHistory', () =>
      this.#database
        .transaction(() => {
          let inserted = 0;
          for (const event of events) {
            inserted += this.#run(
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
        })
        .immediate(),
    );
  }

  listListeningHistory(filter: { userId?: string }, page: PageRequest): Promise<Page<ListeningEvent>> {
    return guard('listListeningHistory', () => {
      const limit = clampLimit(page.limit);
      const conditions: string[] = [];
      const parameters: unknown[] = [];
      if (filter.userId !== undefined) {
        conditions.push('user_id = ?');
        parameters.push(filter.userId);
      }
      if (page.cursor !== undefined) {
        const [playedAt, id] = decodeCursor(page.cursor, ['string', 'number'] as const);
        conditions.push('(played_at < ? OR (played_at = ? AND id < ?))');
        parameters.push(playedAt, playedAt, id);
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const rows = this.#all<HistoryRow>(
        `SELECT * FROM listening_history ${where} ORDER BY played_at DESC, id DESC LIMIT ?`,
        ...parameters,
        limit + 1,
      );
      return toPage(rows, limit, toListeningEvent, (row) => encodeCursor([row.played_at, row.id]));
    });
  }

  createImportJob(input: NewImportJob): Promise<ImportJob> {
    return guard('createImportJob', () => {
      const now = nowIso();
      const job: ImportJob = {
        id: newId(),
        userId: input.userId,
        kind: input.kind,
        status: 'pending',
        source: input.source,
        total: input.total ?? null,
        processed: 0,
        imported: 0,
        merged: 0,
        rejected: 0,
        errors: [],
        createdAt: now,
        updatedAt: now,
      };
      this.#run(
        `INSERT INTO import_jobs (id, user_id, kind, status, source, total, processed, imported, merged,
           rejected, errors, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '[]', ?, ?)`,
        job.id,
        job.userId,
        job.kind,
        job.status,
        job.source,
        job.total,
        now,
        now,
      );
      return job;
    });
  }

  updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob> {
    return guard('updateImportJob', () => {
      const assignments = ['updated_at = ?'];
      const parameters: unknown[] = [nowIso()];
      for (const [field, column] of Object.entries(importJobColumns)) {
        const value = patch[field as keyof ImportJobPatch];
        if (value === undefined) continue;
        assignments.push(`${column} = ?`);
        parameters.push(Array.isArray(value) ? JSON.stringify(value) : value);
      }
      const changed = this.#database
        .prepare(`UPDATE import_jobs SET ${assignments.join(', ')} WHERE id = ?`)
        .run(...parameters, id).changes;
      if (changed === 0) throw new EchoError('not_found', `Import job ${id} not found`);
      return toImportJob(this.#get<ImportJobRow>('SELECT * FROM import_jobs WHERE id = ?', id)!);
    });
  }

  getImportJob(id: string): Promise<ImportJob | null> {
    return guard('getImportJob', () => {
      const row = this.#get<ImportJobRow>('SELECT * FROM import_jobs WHERE id = ?', id);
      return row === undefined ? null : toImportJob(row);
    });
  }

  recordUsage(input: NewUsageRecord): Promise<void> {
    return guard('recordUsage', () => {
      this.#run(
        `INSERT INTO usage (id, user_id, session_id, turn_id, deployment_id, provider, model, input_tokens,
           output_tokens, cost_usd, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        newId(),
        input.userId,
        input.sessionId,
        input.turnId,
        input.deploymentId,
        input.provider,
        input.model,
        input.inputTokens,
        input.outputTokens,
        input.costUsd,
        input.createdAt === undefined ? nowIso() : toIsoTime(input.createdAt, 'createdAt'),
      );
    });
  }

  sumUsageCost(userId: string, since: Date): Promise<number> {
    return guard('sumUsageCost', () => {
      const row = this.#get<{ total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM usage WHERE user_id = ? AND created_at >= ?',
        userId,
        since.toISOString(),
      );
      return row?.total ?? 0;
    });
  }
}
