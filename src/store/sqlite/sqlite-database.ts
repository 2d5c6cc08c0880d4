import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';

export const memoryPath = ':memory:';

/**
 * Opens the database file with the settings every EchoTune process needs: WAL so readers never wait
 * for the writer, NORMAL sync (safe with WAL; loses at most the last transactions on power loss, never
 * integrity), and a busy timeout so a second process sharing the file waits instead of failing.
 */
export function openSqliteDatabase(path: string): Database {
  if (path !== memoryPath) mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  if (path !== memoryPath) {
    database.pragma('journal_mode = WAL');
    // The WAL restarts from its start after each complete checkpoint; past this size it is also shortened.
    database.pragma('journal_size_limit = 67108864');
  }
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return database;
}
