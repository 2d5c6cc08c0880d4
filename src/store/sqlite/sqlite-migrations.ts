import type { Database } from 'better-sqlite3';

export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Ordered schema versions. Never edit an applied one: append a new version instead, because databases
 * in the field already recorded the old version as done.
 */
export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        display_name TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sessions_by_user_updated ON sessions (user_id, updated_at DESC, id DESC);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        client_msg_id TEXT,
        created_at TEXT NOT NULL,
        meta TEXT,
        UNIQUE (session_id, seq),
        UNIQUE (session_id, client_msg_id)
      );
      CREATE TABLE recommendations (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        turn_id TEXT NOT NULL,
        query TEXT NOT NULL,
        tracks TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX recommendations_by_session ON recommendations (session_id, expires_at);
      CREATE INDEX recommendations_by_expiry ON recommendations (expires_at);
      CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        recommendation_id TEXT NOT NULL,
        track_id TEXT NOT NULL,
        signal TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX feedback_newest ON feedback (created_at DESC, id DESC);
      CREATE INDEX feedback_by_user ON feedback (user_id, created_at DESC, id DESC);
      CREATE INDEX feedback_by_session ON feedback (session_id, created_at DESC, id DESC);
      CREATE TABLE tracks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        artists TEXT NOT NULL,
        album TEXT NOT NULL,
        release_date TEXT,
        genres TEXT NOT NULL,
        popularity REAL NOT NULL,
        duration_ms INTEGER NOT NULL,
        explicit INTEGER,
        features TEXT NOT NULL,
        estimated INTEGER NOT NULL,
        search_text TEXT NOT NULL
      );
      CREATE TABLE listening_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        track_id TEXT,
        track_name TEXT NOT NULL,
        artist_name TEXT NOT NULL,
        played_at TEXT NOT NULL,
        ms_played INTEGER NOT NULL,
        source TEXT NOT NULL,
        UNIQUE (user_id, played_at, track_name, artist_name)
      );
      CREATE INDEX history_newest ON listening_history (played_at DESC, id DESC);
      CREATE INDEX history_by_user ON listening_history (user_id, played_at DESC, id DESC);
      CREATE TABLE import_jobs (
        id TEXT PRIMARY KEY,
        user_id TEXT,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        total INTEGER,
        processed INTEGER NOT NULL,
        imported INTEGER NOT NULL,
        merged INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        errors TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE usage (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        turn_id TEXT NOT NULL,
        deployment_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX usage_by_user_time ON usage (user_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'tracks lose the unused text-search column',
    sql: 'ALTER TABLE tracks DROP COLUMN search_text;',
  },
  {
    version: 3,
    name: 'running turns save their progress',
    sql: `
      CREATE TABLE turn_progress (
        turn_id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        reply_to TEXT NOT NULL,
        text TEXT NOT NULL,
        recommendation_ids TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX turn_progress_oldest ON turn_progress (updated_at);
    `,
  },
  {
    version: 4,
    name: 'site keys for the embeddable widget',
    sql: `
      CREATE TABLE site_keys (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        origins TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
    `,
  },
  {
    version: 5,
    name: 'plays keep their album, signal, privacy and genre for stats and taste',
    sql: `
      ALTER TABLE listening_history ADD COLUMN album_name TEXT;
      ALTER TABLE listening_history ADD COLUMN signal TEXT NOT NULL DEFAULT 'neutral';
      ALTER TABLE listening_history ADD COLUMN incognito INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE listening_history ADD COLUMN genre TEXT;
      UPDATE listening_history SET signal = 'weak-skip' WHERE ms_played < 30000;
    `,
  },
  {
    version: 6,
    name: 'history imports keep their running report',
    sql: 'ALTER TABLE import_jobs ADD COLUMN report TEXT;',
  },
  {
    version: 7,
    name: 'spotify links and pending sign-ins',
    sql: `
      CREATE TABLE spotify_accounts (
        user_id TEXT PRIMARY KEY,
        spotify_user_id TEXT NOT NULL UNIQUE,
        display_name TEXT,
        access_token TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        scope TEXT NOT NULL,
        last_sync_after INTEGER,
        last_sync_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE pending_sign_ins (
        state TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        verifier TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX pending_sign_ins_by_expiry ON pending_sign_ins (expires_at);
    `,
  },
  {
    version: 8,
    name: 'usage marks estimated tokens',
    sql: 'ALTER TABLE usage ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0;',
  },
];

/**
 * Applies every migration newer than the recorded version, each in its own transaction with its
 * bookkeeping row, so a crash leaves the database at a whole version. BEGIN IMMEDIATE keeps two processes
 * opening the same file from applying one version twice.
 */
export function applySqliteMigrations(database: Database, migrations = sqliteMigrations): number[] {
  database.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied: number[] = [];
  const ordered = [...migrations].sort((left, right) => left.version - right.version);
  for (const migration of ordered) {
    const apply = database.transaction(() => {
      const done = database
        .prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
        .get(migration.version);
      if (done !== undefined) return false;
      database.exec(migration.sql);
      database
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, new Date().toISOString());
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  return applied;
}
