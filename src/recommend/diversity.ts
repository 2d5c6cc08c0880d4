import type { FeatureIndex } from './feature-index.js';
import { rowDistance } from './similarity.js';

export interface Candidate {
  row: number;
  score: number;
}

export interface DiversityOptions {
  limit: number;
  /** 0 = pure relevance, 1 = pure novelty. */
  diversity: number;
  /** Most tracks any one artist may have in the list. */
  artistCap: number;
  /** Artists the listener named, who may have more. */
  requestedArtists: ReadonlySet<number>;
  requestedArtistCap: number;
  /** Most tracks of any one primary genre (the first of a track's genres); unset, no cap. */
  genreCap?: number;
}

/**
 * Maximal marginal relevance: picks, one at a time, the candidate with the best mix of relevance and
 * distance from what is already picked, so the list does not repeat one sound; artists are capped.
 * Candidates come best first.
 */
export function diversify(
  index: FeatureIndex,
  candidates: readonly Candidate[],
  options: DiversityOptions,
): Candidate[] {
  if (candidates.length === 0) return [];
  const top = candidates[0]!.score;
  const bottom = candidates[candidates.length - 1]!.score;
  const spread = top - bottom || 1;
  const relevance = candidates.map((candidate) => (candidate.score - bottom) / spread);
  const closest = new Float64Array(candidates.length);
  const taken = new Uint8Array(candidates.length);
  const perArtist = new Map<number, number>();
  const perGenre = new Map<string, number>();
  const picked: Candidate[] = [];
  while (picked.length < options.limit) {
    let next = bestNext(index, candidates, relevance, closest, taken, perArtist, perGenre, options);
    // A genre cap must never leave the list short: past it, the best of any genre.
    if (next < 0 && options.genreCap !== undefined) {
      next = bestNext(index, candidates, relevance, closest, taken, perArtist, new Map(), {
        ...options,
        genreCap: undefined,
      });
    }
    if (next < 0) break;
    taken[next] = 1;
    const chosen = candidates[next]!;
    picked.push(chosen);
    for (const artist of index.rowArtists[chosen.row]!)
      perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
    const genre = index.tracks[chosen.row]!.genres[0];
    if (genre !== undefined) perGenre.set(genre, (perGenre.get(genre) ?? 0) + 1);
    candidates.forEach((candidate, at) => {
      if (taken[at] === 1) return;
      // Similarity in (0, 1]: 1 for identical features.
      const similarity = Math.exp(-rowDistance(index, candidate.row, chosen.row));
      if (similarity > closest[at]!) closest[at] = similarity;
    });
  }
  return picked;
}

function bestNext(
  index: FeatureIndex,
  candidates: readonly Candidate[],
  relevance: readonly number[],
  closest: Float64Array,
  taken: Uint8Array,
  perArtist: ReadonlyMap<number, number>,
  perGenre: ReadonlyMap<string, number>,
  options: DiversityOptions,
): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let at = 0; at < candidates.length; at++) {
    if (taken[at] === 1 || overCap(index, candidates[at]!.row, perArtist, options)) continue;
    if (options.genreCap !== undefined) {
      const genre = index.tracks[candidates[at]!.row]!.genres[0];
      if (genre !== undefined && (perGenre.get(genre) ?? 0) >= options.genreCap) continue;
    }
    const value = (1 - options.diversity) * relevance[at]! - options.diversity * closest[at]!;
    if (value > bestValue) {
      bestValue = value;
      best = at;
    }
  }
  return best;
}

function overCap(
  index: FeatureIndex,
  row: number,
  perArtist: ReadonlyMap<number, number>,
  options: DiversityOptions,
): boolean {
  for (const artist of index.rowArtists[row]!) {
    const cap = options.requestedArtists.has(artist) ? options.requestedArtistCap : options.artistCap;
    if ((perArtist.get(artist) ?? 0) >= cap) return true;
  }
  return false;
}
