import type { Config } from '../../config/index.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../store.js';
import { connectMongo, databaseNameFor, describeHosts } from './mongo-connection.js';
import { openMongoStore } from './mongo-store.js';

export { databaseNameFor, describeHosts } from './mongo-connection.js';

/** Connects (bounded by MONGODB_TIMEOUT_MS), applies migrations and indexes, and returns the store. */
export async function createMongoStore(options: {
  config: Pick<Config, 'MONGODB_URI' | 'MONGODB_DB' | 'MONGODB_TIMEOUT_MS' | 'MONGODB_MAX_POOL_SIZE'>;
  logger?: Logger;
}): Promise<Store> {
  const { config, logger } = options;
  const uri = config.MONGODB_URI;
  if (uri === undefined) throw new Error('createMongoStore needs MONGODB_URI');
  const connect = () =>
    connectMongo({
      uri,
      databaseName: config.MONGODB_DB,
      timeoutMs: config.MONGODB_TIMEOUT_MS,
      maxPoolSize: config.MONGODB_MAX_POOL_SIZE,
    });
  const location = `mongo:${describeHosts(uri)}/${databaseNameFor(uri, config.MONGODB_DB)}`;
  const store = openMongoStore({
    connection: await connect(),
    connect,
    timeoutMs: config.MONGODB_TIMEOUT_MS,
    location,
    logger,
  });
  try {
    await store.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  logger?.info(
    { hosts: describeHosts(uri), database: databaseNameFor(uri, config.MONGODB_DB) },
    'using MongoDB',
  );
  return store;
}
