import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  Feedback,
  NewFeedback,
  NewRecommendation,
  Page,
  PageRequest,
  Recommendation,
  RecommendationItem,
} from '../records.js';
import type { RecommendationStore, Synchronous } from '../store.js';
import { nowIso, toIsoTime } from '../time.js';
import { type FeedbackRow, type RecommendationRow, toFeedback, toRecommendation } from './sqlite-rows.js';
import { type SqliteStatements, WhereBuilder } from './sqlite-statements.js';

/** Recommendations (with expiry) and the feedback listeners give on them. */
export class SqliteRecommendations implements Synchronous<RecommendationStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  saveRecommendation(input: NewRecommendation): Recommendation {
    const recommendation: Recommendation = {
      ...input,
      id: input.id ?? newId(),
      createdAt: nowIso(),
      expiresAt: toIsoTime(input.expiresAt, 'expiresAt'),
    };
    this.#sql.run(
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
  }

  /** An expired recommendation reads as absent even before a sweep removes it. */
  getRecommendation(id: string): Recommendation | null {
    const row = this.#sql.get<RecommendationRow>(
      'SELECT * FROM recommendations WHERE id = ? AND expires_at > ?',
      id,
      nowIso(),
    );
    return row === undefined ? null : toRecommendation(row);
  }

  listRecommendedTrackIds(sessionId: string): string[] {
    const rows = this.#sql.all<Pick<RecommendationRow, 'tracks'>>(
      'SELECT tracks FROM recommendations WHERE session_id = ? AND expires_at > ? ORDER BY created_at, id',
      sessionId,
      nowIso(),
    );
    const items = rows.flatMap((row) => JSON.parse(row.tracks) as RecommendationItem[]);
    return [...new Set(items.map((item) => item.trackId))];
  }

  sweepExpired(now: Date = new Date()): number {
    return this.#sql.run('DELETE FROM recommendations WHERE expires_at <= ?', now.toISOString());
  }

  addFeedback(input: NewFeedback): Feedback {
    const feedback: Feedback = { ...input, id: newId(), createdAt: nowIso() };
    this.#sql.run(
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
  }

  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Page<Feedback> {
    const limit = clampLimit(page.limit);
    const where = new WhereBuilder();
    if (filter.userId !== undefined) where.add('user_id = ?', filter.userId);
    if (filter.sessionId !== undefined) where.add('session_id = ?', filter.sessionId);
    if (page.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
      where.add('(created_at < ? OR (created_at = ? AND id < ?))', createdAt, createdAt, id);
    }
    const rows = this.#sql.all<FeedbackRow>(
      `SELECT * FROM feedback ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
      ...where.parameters,
      limit + 1,
    );
    return toPage(rows, limit, toFeedback, (row) => encodeCursor([row.created_at, row.id]));
  }
}
