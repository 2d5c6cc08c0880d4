import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Store } from '../store.js';
import { guard, guardStore } from '../store-failure.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { SqliteConversations } from './sqlite-conversations.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteJobs } from './sqlite-jobs.js';
import { SqliteListening } from './sqlite-listening.js';
import { applySqliteMigrations } from './sqlite-migrations.js';
import { SqlitePendingSignIns } from './sqlite-pending-sign-ins.js';
import { SqliteRecommendations } from './sqlite-recommendations.js';
import { SqliteSiteKeys } from './sqlite-site-keys.js';
import { SqliteSpotifyAccounts } from './sqlite-spotify-accounts.js';
import { SqliteStatements } from './sqlite-statements.js';
import { SqliteTurns } from './sqlite-turns.js';
import { SqliteUsage } from './sqlite-usage.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  /** The WAL checkpointing thread of a file database (null in memory), for tests. */
  readonly checkpointer: WalCheckpointer | null;
}

/**
 * The embedded adapter at `path` (':memory:' for a private in-memory database), not yet initialized.
 * better-sqlite3 is synchronous, so each call runs to completion before another starts in this process;
 * immediate transactions cover other processes.
 */
export function openSqliteStore(options: { path: string }): SqliteStore {
  const location =
    options.path === ':memory:'
      ? `sqlite:memory:${randomUUID()}`
      : `sqlite:${hostname()}:${resolve(options.path)}`;
  const statements = new SqliteStatements(openSqliteDatabase(options.path));
  const { database } = statements;
  let checkpointer: WalCheckpointer | null = null;
  const lifecycle = {
    kind: 'sqlite' as const,
    location,
    get checkpointer() {
      return checkpointer;
    },
    init: () =>
      guard('init', () => {
        applySqliteMigrations(database);
        if (!database.memory && checkpointer === null) checkpointer = new WalCheckpointer(database);
      }),
    async close() {
      await checkpointer?.stop();
      checkpointer = null;
      if (database.open) database.close();
    },
    ping: () =>
      guard('ping', () => {
        statements.get('SELECT 1');
      }),
  };
  return guardStore(lifecycle, {
    conversations: new SqliteConversations(statements),
    recommendations: new SqliteRecommendations(statements),
    catalog: new SqliteCatalog(statements),
    listening: new SqliteListening(statements),
    jobs: new SqliteJobs(statements),
    usage: new SqliteUsage(statements),
    turns: new SqliteTurns(statements),
    siteKeys: new SqliteSiteKeys(statements),
    spotifyAccounts: new SqliteSpotifyAccounts(statements),
    pendingSignIns: new SqlitePendingSignIns(statements),
  });
}
