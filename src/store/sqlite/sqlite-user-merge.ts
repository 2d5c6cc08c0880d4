import type { UserMergeReport } from '../records.js';
import type { SqliteStatements } from './sqlite-statements.js';

/** Tables whose rows simply change owner; listening history and the Spotify link need more care. */
const ownedTables = [
  'sessions',
  'recommendations',
  'turn_progress',
  'feedback',
  'usage',
  'import_jobs',
] as const;

/** One immediate transaction: the merge happens whole or not at all. */
export function mergeSqliteUsers(
  sql: SqliteStatements,
  fromUserId: string,
  intoUserId: string,
): UserMergeReport {
  if (fromUserId === intoUserId) {
    return { sessions: 0, feedback: 0, plays: 0, duplicatePlays: 0, usage: 0, importJobs: 0 };
  }
  return sql.immediate(() => {
    const moved = Object.fromEntries(
      ownedTables.map((table) => [
        table,
        sql.run(`UPDATE ${table} SET user_id = ? WHERE user_id = ?`, intoUserId, fromUserId),
      ]),
    ) as Record<(typeof ownedTables)[number], number>;
    // A play both listeners have (same time, track, artist) would break the unique key: the copy stays behind and goes.
    const plays = sql.run(
      'UPDATE OR IGNORE listening_history SET user_id = ? WHERE user_id = ?',
      intoUserId,
      fromUserId,
    );
    const duplicatePlays = sql.run('DELETE FROM listening_history WHERE user_id = ?', fromUserId);
    const intoLinked = sql.get('SELECT 1 FROM spotify_accounts WHERE user_id = ?', intoUserId) !== undefined;
    if (intoLinked) sql.run('DELETE FROM spotify_accounts WHERE user_id = ?', fromUserId);
    else sql.run('UPDATE spotify_accounts SET user_id = ? WHERE user_id = ?', intoUserId, fromUserId);
    sql.run('DELETE FROM users WHERE id = ?', fromUserId);
    return {
      sessions: moved.sessions,
      feedback: moved.feedback,
      plays,
      duplicatePlays,
      usage: moved.usage,
      importJobs: moved.import_jobs,
    };
  });
}
