import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { openSqliteStore, type SqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';
import { guard } from './store-failure.js';

export const sqliteFileName = 'echotune.db';

/** A SQLite store at `path` (':memory:' for a private in-memory database), initialized. */
export async function createSqliteStore(options: { path: string }): Promise<SqliteStore> {
  // Opening can fail too (unwritable directory, corrupt file): same retryable error as any backend failure.
  const store = await guard('open', () => openSqliteStore({ path: options.path }));
  await store.init();
  return store;
}

/**
 * The store the configuration selects, initialized: MongoDB when MONGODB_URI is set, otherwise the
 * embedded SQLite database at `${DATA_DIR}/echotune.db`.
 */
export async function createStore(options: { config: Config; logger: Logger }): Promise<Store> {
  const { config, logger } = options;
  if (config.MONGODB_URI !== undefined) {
    const { createMongoStore } = await import('./mongo/index.js');
    return createMongoStore({ config, logger });
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const path = join(config.DATA_DIR, sqliteFileName);
  const store = await createSqliteStore({ path });
  logger.info({ path }, 'using the embedded SQLite store');
  return store;
}
