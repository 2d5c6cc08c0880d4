import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { NewSpotifyAccount, Page, SpotifyAccount, SpotifyTokenFields } from '../records.js';
import type { SpotifyAccountStore, Synchronous } from '../store.js';
import { nowIso } from '../time.js';
import type { SqliteStatements } from './sqlite-statements.js';

interface SpotifyAccountRow {
  user_id: string;
  spotify_user_id: string;
  display_name: string | null;
  access_token: string;
  refresh_token: string;
  expires_at: number;
  scope: string;
  last_sync_after: number | null;
  last_sync_at: string | null;
  created_at: string;
  updated_at: string;
}

function toSpotifyAccount(row: SpotifyAccountRow): SpotifyAccount {
  return {
    userId: row.user_id,
    spotifyUserId: row.spotify_user_id,
    displayName: row.display_name,
    accessToken: row.access_token,
    refreshToken: row.refresh_token,
    expiresAt: row.expires_at,
    scope: row.scope,
    lastSyncAfter: row.last_sync_after,
    lastSyncAt: row.last_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Listeners' Spotify links (tokens as ciphertext) and the recently-played sync's bookkeeping. */
export class SqliteSpotifyAccounts implements Synchronous<SpotifyAccountStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  /** One immediate transaction: two devices linking the same Spotify account cannot both create a link. */
  linkSpotifyAccount(input: NewSpotifyAccount): SpotifyAccount {
    return this.#sql.immediate(() => {
      const existing = this.findBySpotifyUser(input.spotifyUserId);
      if (existing !== null && existing.userId !== input.userId) return existing;
      const now = nowIso();
      if (existing === null) {
        this.#sql.run('DELETE FROM spotify_accounts WHERE user_id = ?', input.userId);
        this.#sql.run(
          `INSERT INTO spotify_accounts (user_id, spotify_user_id, display_name, access_token, refresh_token,
             expires_at, scope, last_sync_after, last_sync_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
          input.userId,
          input.spotifyUserId,
          input.displayName,
          input.accessToken,
          input.refreshToken,
          input.expiresAt,
          input.scope,
          now,
          now,
        );
      } else {
        this.#sql.run(
          'UPDATE spotify_accounts SET display_name = ? WHERE spotify_user_id = ?',
          input.displayName,
          input.spotifyUserId,
        );
        this.updateSpotifyTokens(input.spotifyUserId, input);
      }
      return this.findBySpotifyUser(input.spotifyUserId)!;
    });
  }

  getSpotifyAccount(userId: string): SpotifyAccount | null {
    const row = this.#sql.get<SpotifyAccountRow>('SELECT * FROM spotify_accounts WHERE user_id = ?', userId);
    return row === undefined ? null : toSpotifyAccount(row);
  }

  findBySpotifyUser(spotifyUserId: string): SpotifyAccount | null {
    const row = this.#sql.get<SpotifyAccountRow>(
      'SELECT * FROM spotify_accounts WHERE spotify_user_id = ?',
      spotifyUserId,
    );
    return row === undefined ? null : toSpotifyAccount(row);
  }

  updateSpotifyTokens(spotifyUserId: string, tokens: SpotifyTokenFields): SpotifyAccount | null {
    const row = this.#sql.get<SpotifyAccountRow>(
      `UPDATE spotify_accounts SET access_token = ?, refresh_token = ?, expires_at = ?, scope = ?, updated_at = ?
       WHERE spotify_user_id = ? RETURNING *`,
      tokens.accessToken,
      tokens.refreshToken,
      tokens.expiresAt,
      tokens.scope,
      nowIso(),
      spotifyUserId,
    );
    return row === undefined ? null : toSpotifyAccount(row);
  }

  unlinkSpotifyAccount(userId: string): boolean {
    return this.#sql.run('DELETE FROM spotify_accounts WHERE user_id = ?', userId) > 0;
  }

  listLinkedForSync(limit: number, cursor?: string): Page<SpotifyAccount> {
    const size = clampLimit(limit);
    const after = cursor === undefined ? '' : decodeCursor(cursor, ['string'] as const)[0];
    const rows = this.#sql.all<SpotifyAccountRow>(
      'SELECT * FROM spotify_accounts WHERE spotify_user_id > ? ORDER BY spotify_user_id LIMIT ?',
      after,
      size + 1,
    );
    return toPage(rows, size, toSpotifyAccount, (row) => encodeCursor([row.spotify_user_id]));
  }

  /** `IS` compares NULL with NULL as equal, so the first claim of a never-synced link works too. */
  claimSpotifySync(spotifyUserId: string, claim: { expected: string | null; at: string }): boolean {
    return (
      this.#sql.run(
        'UPDATE spotify_accounts SET last_sync_at = ? WHERE spotify_user_id = ? AND last_sync_at IS ?',
        claim.at,
        spotifyUserId,
        claim.expected,
      ) === 1
    );
  }

  saveSpotifySyncCursor(spotifyUserId: string, lastSyncAfter: number | null): void {
    this.#sql.run(
      'UPDATE spotify_accounts SET last_sync_after = ? WHERE spotify_user_id = ?',
      lastSyncAfter,
      spotifyUserId,
    );
  }
}
