import type { ListeningStore, NewListeningEvent } from '../../store/index.js';

const MINUTE_MS = 60_000;
const PAGE = 1_000;

type Key = string;

/** A play's minute and names: what both kinds of export agree on. */
function keyOf(play: { playedAt: string; trackName: string; artistName: string }): Key {
  const minute = Math.floor(Date.parse(play.playedAt) / MINUTE_MS);
  return `${minute}\u0000${play.trackName}\u0000${play.artistName}`;
}

/** Account data says when a play ended to the minute; extended history, and the Spotify API, finer. */
function toTheMinute(playedAt: string): boolean {
  return Date.parse(playedAt) % MINUTE_MS === 0;
}

/**
 * The plays of a batch that are not already stored from the other kind of export. Spotify's account
 * data gives a play's end to the minute (`endTime`), its extended history to the second (`ts`), so one
 * play imported from both has two times and passes the store's (listener, time, track, artist) check:
 * a play to the minute is the same as a stored play to the second in that minute with the same track
 * and artist, and the other way round. Two plays of one precision are never merged (a track replayed
 * within a minute in the extended history stays two plays). One read of the batch's time range.
 */
export async function withoutMinuteTwins(
  store: Pick<ListeningStore, 'listListeningHistory'>,
  userId: string,
  events: readonly NewListeningEvent[],
): Promise<{ fresh: NewListeningEvent[]; twins: number }> {
  if (events.length === 0) return { fresh: [], twins: 0 };
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const time = Date.parse(event.playedAt);
    earliest = Math.min(earliest, time);
    latest = Math.max(latest, time);
  }
  const range = {
    userId,
    from: new Date(earliest - MINUTE_MS).toISOString(),
    to: new Date(latest + MINUTE_MS).toISOString(),
  };
  /** For each stored minute key: whether a play to the minute and one finer are stored there. */
  const stored = new Map<Key, { coarse: boolean; fine: boolean }>();
  let cursor: string | undefined;
  do {
    const page = await store.listListeningHistory(range, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const play of page.items) {
      const key = keyOf(play);
      const kinds = stored.get(key) ?? { coarse: false, fine: false };
      if (toTheMinute(play.playedAt)) kinds.coarse = true;
      else kinds.fine = true;
      stored.set(key, kinds);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  if (stored.size === 0) return { fresh: [...events], twins: 0 };
  const fresh = events.filter((event) => {
    const kinds = stored.get(keyOf(event));
    if (!kinds) return true;
    return toTheMinute(event.playedAt) ? !kinds.fine : !kinds.coarse;
  });
  return { fresh, twins: events.length - fresh.length };
}
