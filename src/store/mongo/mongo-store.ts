import type { Db, MongoClient } from 'mongodb';
import type { Logger } from '../../logger.js';
import type { Store } from '../store.js';
import { guard, guardStore } from '../store-failure.js';
import { MongoCatalog } from './mongo-catalog.js';
import { collectionsOf } from './mongo-collections.js';
import { MongoConversations } from './mongo-conversations.js';
import { MongoJobs } from './mongo-jobs.js';
import { MongoListening } from './mongo-listening.js';
import { applyMongoMigrations } from './mongo-migrations.js';
import { MongoPendingSignIns } from './mongo-pending-sign-ins.js';
import { MongoRecommendations } from './mongo-recommendations.js';
import { detectServerTraits, mongoDbTraits, type ServerTraits } from './mongo-server-traits.js';
import { MongoSiteKeys } from './mongo-site-keys.js';
import { MongoSpotifyAccounts } from './mongo-spotify-accounts.js';
import { MongoTurns } from './mongo-turns.js';
import { MongoUsage } from './mongo-usage.js';

/**
 * The production adapter over a connected client, not yet initialized. Official driver and standard
 * operations only (no transactions), so it also runs on FerretDB; see docs/store.md for what FerretDB
 * lacks.
 */
export function openMongoStore(options: {
  client: MongoClient;
  db: Db;
  /** Hosts and database name, as logged (no credentials). */
  location: string;
  logger?: Logger | undefined;
}): Store {
  const { client, db, logger } = options;
  let traits: ServerTraits = mongoDbTraits;
  const lifecycle = {
    kind: 'mongo' as const,
    location: options.location,
    init: () =>
      guard('init', async () => {
        await applyMongoMigrations(db, { logger });
        traits = await detectServerTraits(db);
        if (!traits.atomicFindAndModify) {
          logger?.warn(
            'server runs findAndModify non-atomically (FerretDB); message appends verify each seq',
          );
        }
      }),
    close: () => client.close(),
    ping: () =>
      guard('ping', async () => {
        await db.command({ ping: 1 });
      }),
  };
  const collections = collectionsOf(db);
  return guardStore(lifecycle, {
    conversations: new MongoConversations(collections, () => traits),
    recommendations: new MongoRecommendations(collections),
    catalog: new MongoCatalog(collections),
    listening: new MongoListening(collections),
    jobs: new MongoJobs(collections),
    usage: new MongoUsage(collections),
    turns: new MongoTurns(collections),
    siteKeys: new MongoSiteKeys(collections),
    spotifyAccounts: new MongoSpotifyAccounts(collections),
    pendingSignIns: new MongoPendingSignIns(collections),
  });
}
