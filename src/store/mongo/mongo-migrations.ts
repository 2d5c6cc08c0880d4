import type { Db } from 'mongodb';
import { collectionsOf } from './mongo-collections.js';

export interface MongoMigration {
  version: number;
  name: string;
  /** Must be idempotent: two instances starting together may both run it. */
  up(db: Db): Promise<void>;
}

interface SchemaDocument {
  _id: string;
  version: number;
  updatedAt: string;
}

const schemaCollection = 'schema_version';
const schemaDocumentId = 'schema';

/**
 * Ordered schema versions. Never edit an applied one: append a version, because deployed databases have
 * already recorded the old one as done.
 */
export const mongoMigrations: readonly MongoMigration[] = [
  { version: 1, name: 'indexes', up: createIndexes },
];

async function createIndexes(db: Db): Promise<void> {
  const collections = collectionsOf(db);
  await collections.sessions.createIndex({ userId: 1, updatedAt: -1, _id: -1 }, { name: 'by_user_updated' });
  await collections.messages.createIndex({ sessionId: 1, seq: 1 }, { name: 'session_seq', unique: true });
  // Partial so assistant messages (clientMsgId null) never collide; only real client ids must be unique.
  await collections.messages.createIndex(
    { sessionId: 1, clientMsgId: 1 },
    {
      name: 'session_client_msg',
      unique: true,
      partialFilterExpression: { clientMsgId: { $type: 'string' } },
    },
  );
  // The server deletes a recommendation once expiresAt passes (its TTL monitor runs about once a minute).
  await collections.recommendations.createIndex(
    { expiresAt: 1 },
    { name: 'expiry_ttl', expireAfterSeconds: 0 },
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

/** Runs every migration above the recorded version, in order, recording each as it completes. */
export async function applyMongoMigrations(db: Db, migrations = mongoMigrations): Promise<number[]> {
  const schema = db.collection<SchemaDocument>(schemaCollection);
  const current = (await schema.findOne({ _id: schemaDocumentId }))?.version ?? 0;
  const pending = [...migrations]
    .filter((migration) => migration.version > current)
    .sort((left, right) => left.version - right.version);
  for (const migration of pending) {
    await migration.up(db);
    // $max: a slower instance finishing an older migration never moves the version backwards.
    await schema.updateOne(
      { _id: schemaDocumentId },
      { $max: { version: migration.version }, $set: { updatedAt: new Date().toISOString() } },
      { upsert: true },
    );
  }
  return pending.map((migration) => migration.version);
}
