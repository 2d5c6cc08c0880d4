import type { PendingSignInRecord } from '../records.js';
import type { PendingSignInStore, Synchronous } from '../store.js';
import type { SqliteStatements } from './sqlite-statements.js';

interface PendingSignInRow {
  user_id: string;
  verifier: string;
  expires_at: number;
}

/** Spotify sign-ins waiting for the redirect back. */
export class SqlitePendingSignIns implements Synchronous<PendingSignInStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  savePendingSignIn(pending: PendingSignInRecord): void {
    this.#sql.immediate(() => {
      this.#sql.run('DELETE FROM pending_sign_ins WHERE expires_at <= ?', Date.now());
      this.#sql.run(
        'INSERT INTO pending_sign_ins (state, user_id, verifier, expires_at) VALUES (?, ?, ?, ?)',
        pending.state,
        pending.userId,
        pending.verifier,
        pending.expiresAt,
      );
    });
  }

  /** DELETE … RETURNING reads and removes in one statement: a second take finds nothing. */
  takePendingSignIn(state: string): Omit<PendingSignInRecord, 'state'> | null {
    const row = this.#sql.get<PendingSignInRow>(
      'DELETE FROM pending_sign_ins WHERE state = ? RETURNING user_id, verifier, expires_at',
      state,
    );
    return row === undefined
      ? null
      : { userId: row.user_id, verifier: row.verifier, expiresAt: row.expires_at };
  }
}
