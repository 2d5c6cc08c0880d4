import type { FeatureIndex } from './feature-index.js';

/** Albums with more artists than this are label samplers; they say little about any one artist. */
const maxArtistsPerAlbum = 40;
const cache = new WeakMap<FeatureIndex, Map<number, Map<number, number>>>();

/**
 * Artists who appear on the same albums (compilations, collaborations), with how many albums they
 * share. Built once per index, on first use: 'album-mates' of the seeds' artists tend to share a scene.
 */
export function albumMates(index: FeatureIndex): Map<number, Map<number, number>> {
  const known = cache.get(index);
  if (known) return known;
  const mates = new Map<number, Map<number, number>>();
  for (const rows of index.albumRows.values()) {
    const artists = new Set<number>();
    for (const row of rows) for (const artist of index.rowArtists[row]!) artists.add(artist);
    if (artists.size < 2 || artists.size > maxArtistsPerAlbum) continue;
    for (const left of artists) {
      let counts = mates.get(left);
      if (!counts) {
        counts = new Map();
        mates.set(left, counts);
      }
      for (const right of artists) if (right !== left) counts.set(right, (counts.get(right) ?? 0) + 1);
    }
  }
  cache.set(index, mates);
  return mates;
}
