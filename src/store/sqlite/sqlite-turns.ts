import type { NewTurnProgress, TurnProgress } from '../records.js';
import type { Synchronous, TurnProgressStore } from '../store.js';
import { nowIso } from '../time.js';
import type { SqliteStatements } from './sqlite-statements.js';

interface TurnProgressRow {
  turn_id: string;
  session_id: string;
  user_id: string;
  reply_to: string;
  text: string;
  recommendation_ids: string;
  updated_at: string;
}

function toTurnProgress(row: TurnProgressRow): TurnProgress {
  return {
    turnId: row.turn_id,
    sessionId: row.session_id,
    userId: row.user_id,
    replyTo: row.reply_to,
    text: row.text,
    recommendationIds: JSON.parse(row.recommendation_ids) as string[],
    updatedAt: row.updated_at,
  };
}

/** Running turns' saved progress. */
export class SqliteTurns implements Synchronous<TurnProgressStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  saveTurnProgress(progress: NewTurnProgress): void {
    this.#sql.run(
      `INSERT OR REPLACE INTO turn_progress
         (turn_id, session_id, user_id, reply_to, text, recommendation_ids, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      progress.turnId,
      progress.sessionId,
      progress.userId,
      progress.replyTo,
      progress.text,
      JSON.stringify(progress.recommendationIds),
      nowIso(),
    );
  }

  deleteTurnProgress(turnId: string): void {
    this.#sql.run('DELETE FROM turn_progress WHERE turn_id = ?', turnId);
  }

  listTurnProgress(limit: number): TurnProgress[] {
    return this.#sql
      .all<TurnProgressRow>('SELECT * FROM turn_progress ORDER BY updated_at, turn_id LIMIT ?', limit)
      .map(toTurnProgress);
  }
}
