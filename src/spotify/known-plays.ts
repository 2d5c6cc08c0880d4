import type { RecentPlay } from './spotify-records.js';

/** A play already held, e.g. one imported from the listener's export (`Play` from src/listening fits). */
export interface KnownPlay {
  /** ISO 8601. */
  playedAt: string;
  trackName: string;
  artistName: string;
  spotifyTrackUri?: string | null;
}

/**
 * Slack on top of the track's length: an export gives a play's end (account data only to the minute) while
 * Spotify's `played_at` may sit anywhere between start and end, so the same play can differ by that much.
 */
export const samePlayMarginMs = 2 * 60_000;

/**
 * The recent plays not already known. A known play matches at most one recent play, so a track on repeat
 * still counts each time it was played.
 */
export function withoutKnownPlays(plays: readonly RecentPlay[], known: Iterable<KnownPlay>): RecentPlay[] {
  const candidates = indexKnown(known);
  const used = new Set<KnownPlay>();
  return plays.filter((play) => {
    const time = Date.parse(play.playedAt);
    const window = play.durationMs + samePlayMarginMs;
    const keys = [play.uri, nameKey(play.trackName, play.artistName)];
    const match = keys
      .flatMap((key) => candidates.get(key) ?? [])
      .find((candidate) => !used.has(candidate) && Math.abs(Date.parse(candidate.playedAt) - time) <= window);
    if (match === undefined) return true;
    used.add(match);
    return false;
  });
}

/** Account-data rows have no URI, so every known play is also found by name. */
function indexKnown(known: Iterable<KnownPlay>): Map<string, KnownPlay[]> {
  const index = new Map<string, KnownPlay[]>();
  const add = (key: string, play: KnownPlay) => {
    const list = index.get(key);
    if (list) list.push(play);
    else index.set(key, [play]);
  };
  for (const play of known) {
    if (play.spotifyTrackUri) add(play.spotifyTrackUri, play);
    add(nameKey(play.trackName, play.artistName), play);
  }
  return index;
}

function nameKey(trackName: string, artistName: string): string {
  return `name:${trackName.trim().toLowerCase()}\u0000${artistName.trim().toLowerCase()}`;
}
