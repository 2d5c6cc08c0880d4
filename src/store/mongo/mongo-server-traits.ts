import type { Db } from 'mongodb';

/** What the connected server can be trusted with, where MongoDB-compatible servers differ. */
export interface ServerTraits {
  /** MongoDB applies findAndModify atomically; FerretDB 1.x reads then writes, so racing $inc lose updates. */
  atomicFindAndModify: boolean;
}

export const mongoDbTraits: ServerTraits = { atomicFindAndModify: true };

/** FerretDB announces itself in buildInfo (`ferretdbVersion`); anything else is taken to be MongoDB. */
export async function detectServerTraits(db: Db): Promise<ServerTraits> {
  const info = await db.admin().command({ buildInfo: 1 });
  const ferretDb = typeof info.ferretdbVersion === 'string';
  return { atomicFindAndModify: !ferretDb };
}
