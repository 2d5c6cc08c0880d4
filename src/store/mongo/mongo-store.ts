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
import { type MongoConnection, MongoWatchdog } from './mongo-watchdog.js';

/**
 * The production adapter over a connected client, not yet initialized. Official driver and standard
 * operations only (no transactions), so it also runs on FerretDB; see docs/store.md for what FerretDB
 * lacks. Every operation runs under the watchdog, which swaps in a new client (`connect`) when the
 * current one can no longer reach the server while a new one can.
 */
export function openMongoStore(options: {
  connection: MongoConnection;
  connect: () => Promise<MongoConnection>;
  /** MONGODB_TIMEOUT_MS: the watchdog judges a client after twice this long without a success. */
  timeoutMs: number;
  /** Hosts and database name, as logged (no credentials). */
  location: string;
  logger?: Logger | undefined;
}): Store {
  const { logger } = options;
  const collections = collectionsOf(options.connection.db);
  const watchdog = new MongoWatchdog({
    first: options.connection,
    connect: options.connect,
    // Parts hold this one object; pointing its collections at the new database moves them all.
    onReplaced: (db) => Object.assign(collections, collectionsOf(db)),
    stallMs: 2 * options.timeoutMs,
    pingTimeoutMs: options.timeoutMs,
    logger,
  });
  let traits: ServerTraits = mongoDbTraits;
  const lifecycle = {
    kind: 'mongo' as const,
    location: options.location,
    init: () =>
      guard('init', async () => {
        await applyMongoMigrations(watchdog.db, { logger });
        traits = await detectServerTraits(watchdog.db);
        if (!traits.atomicFindAndModify) {
          logger?.warn(
            'server runs findAndModify non-atomically (FerretDB); message appends verify each seq',
          );
        }
      }),
    close: () => watchdog.close(),
    // Through the watchdog, so that readiness probes alone reveal a client that reaches no server.
    ping: () =>
      guard('ping', async () => {
        await watchdog.track(() => watchdog.db.command({ ping: 1 }));
      }),
  };
  return guardStore(
    lifecycle,
    {
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
    },
    (work) => watchdog.track(work),
  );
}
