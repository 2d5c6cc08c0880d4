import {
  type Collection,
  type CreateIndexesOptions,
  type Db,
  type IndexSpecification,
  MongoServerError,
} from 'mongodb';
import type { Logger } from '../../logger.js';
import { collectionsOf } from './mongo-collections.js';

const notImplementedCode = 238;

/**
 * Creates an index; when the server answers NotImplemented (FerretDB lacks some index options MongoDB
 * has) it runs `fallback` instead, or skips with a warning. MongoDB itself always gets the first choice,
 * so the adapter is never narrowed to what the weakest server supports.
 */
async function createIndexWhereSupported<Schema extends object>(
  collection: Collection<Schema>,
  keys: IndexSpecification,
  options: CreateIndexesOptions & { name: string },
  unsupported: { logger?: Logger | undefined; fallback?: () => Promise<unknown>; consequence: string },
): Promise<void> {
  try {
    await collection.createIndex(keys, options);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === notImplementedCode)) throw error;
    unsupported.logger?.warn(
      { collection: collection.collectionName, index: options.name, reason: error.message },
      `server lacks an index option; ${unsupported.consequence}`,
    );
    await unsupported.fallback?.();
  }
}

/** Every index the adapter relies on. createIndex is idempotent, so this is safe to run again. */
export async function createMongoIndexes(db: Db, logger?: Logger): Promise<void> {
  const collections = collectionsOf(db);
  await collections.sessions.createIndex({ userId: 1, updatedAt: -1, _id: -1 }, { name: 'by_user_updated' });
  await collections.messages.createIndex({ sessionId: 1, seq: 1 }, { name: 'session_seq', unique: true });
  // Partial, so assistant messages (clientMsgId null) never collide; only real client ids must be unique.
  await createIndexWhereSupported(
    collections.messages,
    { sessionId: 1, clientMsgId: 1 },
    {
      name: 'session_client_msg',
      unique: true,
      partialFilterExpression: { clientMsgId: { $type: 'string' } },
    },
    {
      logger,
      consequence: 'enforcing unique clientMsgId through clientMsgKey instead',
      fallback: () =>
        collections.messages.createIndex(
          { sessionId: 1, clientMsgKey: 1 },
          { name: 'session_client_msg_key', unique: true },
        ),
    },
  );
  // The server deletes a recommendation once expiresAt passes (its TTL monitor runs about once a minute).
  await createIndexWhereSupported(
    collections.recommendations,
    { expiresAt: 1 },
    { name: 'expiry_ttl', expireAfterSeconds: 0 },
    { logger, consequence: 'expired recommendations are removed by sweepExpired only' },
  );
  await collections.recommendations.createIndex({ sessionId: 1, expiresAt: 1 }, { name: 'by_session' });
  await collections.feedback.createIndex({ createdAt: -1, _id: -1 }, { name: 'newest' });
  await collections.feedback.createIndex({ userId: 1, createdAt: -1, _id: -1 }, { name: 'by_user' });
  await collections.feedback.createIndex({ sessionId: 1, createdAt: -1, _id: -1 }, { name: 'by_session' });
  // Track ids are the documents' _id, unique by construction; searchText is the lower-cased lookup field.
  await collections.tracks.createIndex({ searchText: 1 }, { name: 'search_text' });
  await collections.tracks.createIndex({ popularity: -1, _id: 1 }, { name: 'by_popularity' });
  await collections.history.createIndex(
    { userId: 1, playedAt: 1, trackName: 1, artistName: 1 },
    { name: 'play_unique', unique: true },
  );
  await collections.history.createIndex({ userId: 1, playedAt: -1, _id: -1 }, { name: 'by_user_newest' });
  await collections.history.createIndex({ playedAt: -1, _id: -1 }, { name: 'newest' });
  await collections.usage.createIndex({ userId: 1, createdAt: 1 }, { name: 'by_user_time' });
}

const indexNotFoundCode = 27;

/** Version 2: the catalog's lookup-by-text field and its index had no reader left. Idempotent. */
export async function dropTrackSearchText(db: Db): Promise<void> {
  const { tracks } = collectionsOf(db);
  try {
    await tracks.dropIndex('search_text');
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === indexNotFoundCode)) throw error;
  }
  await tracks.updateMany({ searchText: { $exists: true } }, { $unset: { searchText: '' } });
}

/** Version 3: running turns' progress, read oldest first. Idempotent. */
export async function createTurnProgressIndex(db: Db): Promise<void> {
  await collectionsOf(db).turnProgress.createIndex({ updatedAt: 1, _id: 1 }, { name: 'oldest' });
}

/** Version 4: the widget's site keys (the key is `_id`), listed newest first. Idempotent. */
export async function createSiteKeyIndex(db: Db): Promise<void> {
  await collectionsOf(db).siteKeys.createIndex({ createdAt: -1, _id: -1 }, { name: 'newest' });
}

/** Version 5: Spotify links (one per listener), sync claims by account, pending sign-ins by expiry. Idempotent. */
export async function createSpotifyIndexes(db: Db): Promise<void> {
  const collections = collectionsOf(db);
  await collections.spotifyAccounts.createIndex({ userId: 1 }, { name: 'by_user', unique: true });
  await collections.spotifySyncClaims.createIndex({ spotifyUserId: 1, at: 1 }, { name: 'by_account' });
  await collections.pendingSignIns.createIndex({ expiresAt: 1 }, { name: 'by_expiry' });
}
