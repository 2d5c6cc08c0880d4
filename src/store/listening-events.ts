import { EchoError } from '../errors.js';
import type { ListeningEvent, ListeningStatsQuery, NewListeningEvent, PlaySignal } from './records.js';
import { toIsoTime } from './time.js';

/** Signals that count as a skip in stats: flagged, or a short play with no skip information. */
export const skipSignals: readonly PlaySignal[] = ['skip', 'weak-skip'];

const defaultTop = 10;
const maxTop = 100;
export const hoursPerWeek = 7 * 24;

/** A play as both adapters store it, with what it left out filled in. */
export function toStoredPlay(event: NewListeningEvent): ListeningEvent {
  return {
    userId: event.userId,
    trackId: event.trackId,
    trackName: event.trackName,
    artistName: event.artistName,
    albumName: event.albumName ?? null,
    playedAt: toIsoTime(event.playedAt, 'playedAt'),
    msPlayed: event.msPlayed,
    source: event.source,
    signal: event.signal ?? 'neutral',
    incognito: event.incognito ?? false,
    genre: event.genre ?? null,
  };
}

/** The query's bounds as stored times, and how long each top list is. */
export function statsBounds(query: ListeningStatsQuery): { from: string; to: string; top: number } {
  const top = query.top ?? defaultTop;
  if (!Number.isInteger(top) || top < 1 || top > maxTop) {
    throw new EchoError('invalid', `top: must be a whole number from 1 to ${maxTop}`);
  }
  return {
    // Every stored time is a toISOString() string, so these two bound any of them.
    from: query.from === undefined ? '0000' : toIsoTime(query.from, 'from'),
    to: query.to === undefined ? '9999' : toIsoTime(query.to, 'to'),
    top,
  };
}

/** 168 counts from (hourOfWeek, plays) pairs. */
export function hourOfWeekCounts(rows: ReadonlyArray<{ hourOfWeek: number; plays: number }>): number[] {
  const counts = new Array<number>(hoursPerWeek).fill(0);
  for (const row of rows) counts[row.hourOfWeek] = row.plays;
  return counts;
}
