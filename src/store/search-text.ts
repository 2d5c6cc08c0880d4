import type { CatalogTrack } from './records.js';

/**
 * The text searchTracks matches against: name and artists, lower-cased by JavaScript (which folds
 * non-ASCII letters, unlike SQLite's lower()) so both adapters match the same way.
 */
export function searchTextOf(track: Pick<CatalogTrack, 'name' | 'artists'>): string {
  return [track.name, ...track.artists].join(' ').toLowerCase();
}

/** Every word of the query must appear somewhere in the search text, in any order. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0);
}
