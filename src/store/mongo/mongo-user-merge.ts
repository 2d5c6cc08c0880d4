import { newId } from '../ids.js';
import type { UserMergeReport } from '../records.js';
import type { MongoCollections } from './mongo-collections.js';
import { insertPlaysIgnoringDuplicates } from './mongo-listening.js';

/** Plays are copied and deleted this many at a time. */
const playBatch = 1000;

/**
 * Without transactions every step is one that can simply run again: re-owning rows by userId, and plays
 * copied (the unique index drops the ones the other listener has) before their originals go, batch by batch.
 */
export async function mergeMongoUsers(
  collections: MongoCollections,
  fromUserId: string,
  intoUserId: string,
): Promise<UserMergeReport> {
  const report: UserMergeReport = {
    sessions: 0,
    feedback: 0,
    plays: 0,
    duplicatePlays: 0,
    usage: 0,
    importJobs: 0,
  };
  if (fromUserId === intoUserId) return report;
  const move = { $set: { userId: intoUserId } };
  report.sessions = (await collections.sessions.updateMany({ userId: fromUserId }, move)).modifiedCount;
  await collections.recommendations.updateMany({ userId: fromUserId }, move);
  await collections.turnProgress.updateMany({ userId: fromUserId }, move);
  report.feedback = (await collections.feedback.updateMany({ userId: fromUserId }, move)).modifiedCount;
  report.usage = (await collections.usage.updateMany({ userId: fromUserId }, move)).modifiedCount;
  report.importJobs = (await collections.importJobs.updateMany({ userId: fromUserId }, move)).modifiedCount;
  for (;;) {
    const batch = await collections.history.find({ userId: fromUserId }).limit(playBatch).toArray();
    if (batch.length === 0) break;
    const copies = batch.map((play) => ({ ...play, _id: newId(), userId: intoUserId }));
    const inserted = await insertPlaysIgnoringDuplicates(collections.history, copies);
    report.plays += inserted;
    report.duplicatePlays += batch.length - inserted;
    await collections.history.deleteMany({ _id: { $in: batch.map((play) => play._id) } });
  }
  if ((await collections.spotifyAccounts.findOne({ userId: intoUserId })) === null) {
    await collections.spotifyAccounts.updateMany({ userId: fromUserId }, move);
  } else {
    await collections.spotifyAccounts.deleteMany({ userId: fromUserId });
  }
  await collections.users.deleteOne({ _id: fromUserId });
  return report;
}
