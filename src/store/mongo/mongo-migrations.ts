import type { Db } from 'mongodb';
import type { Logger } from '../../logger.js';
import {
  createMongoIndexes,
  createSiteKeyIndex,
  createSpotifyIndexes,
  createTurnProgressIndex,
  dropTrackSearchText,
} from './mongo-indexes.js';

export interface MongoMigration {
  version: number;
  name: string;
  /** Must be idempotent: two instances starting together may both run it. */
  up(db: Db, logger?: Logger): Promise<void>;
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
  { version: 1, name: 'indexes', up: createMongoIndexes },
  { version: 2, name: 'tracks lose the unused text-search field', up: dropTrackSearchText },
  { version: 3, name: 'running turns save their progress', up: createTurnProgressIndex },
  { version: 4, name: 'site keys for the embeddable widget', up: createSiteKeyIndex },
  { version: 5, name: 'spotify links and pending sign-ins', up: createSpotifyIndexes },
];

/** Runs every migration above the recorded version, in order, recording each as it completes. */
export async function applyMongoMigrations(
  db: Db,
  options: { logger?: Logger | undefined; migrations?: readonly MongoMigration[] } = {},
): Promise<number[]> {
  const migrations = options.migrations ?? mongoMigrations;
  const schema = db.collection<SchemaDocument>(schemaCollection);
  const current = (await schema.findOne({ _id: schemaDocumentId }))?.version ?? 0;
  const pending = [...migrations]
    .filter((migration) => migration.version > current)
    .sort((left, right) => left.version - right.version);
  for (const migration of pending) {
    await migration.up(db, options.logger);
    // $max: a slower instance finishing an older migration never moves the version backwards.
    await schema.updateOne(
      { _id: schemaDocumentId },
      { $max: { version: migration.version }, $set: { updatedAt: new Date().toISOString() } },
      { upsert: true },
    );
  }
  return pending.map((migration) => migration.version);
}
