/**
 * How much each signal counts (docs/recommend.md explains each). Closeness terms subtract the mean
 * squared z-distance to their target, times the weight; bonuses add the weight when they apply.
 */
export interface Weights {
  /** Explicit target_* values of the query. */
  targets: number;
  /** Mood and activity words. */
  mood: number;
  /** Closeness to the centroid of the seed tracks (and seed artists' tracks). */
  seeds: number;
  /** Closeness of the track's artist profile (mean features, popularity, year) and year to the seeds'. */
  artistProfile: number;
  /** Closeness to the nearest single seed track (re-rank of the candidate pool). */
  nearestSeed: number;
  /** Track carries a requested genre (or a seed track's genre). */
  genre: number;
  /** In the nearest-seed distance, how much the artist profile counts against the sound. */
  nearestSeedProfile: number;
  /** Track shares an artist with the seeds. */
  artist: number;
  /** Track is by an artist who shares albums (compilations, features) with a seed's artist. */
  albumMates: number;
  /** Track is on a seed track's album. */
  album: number;
  /** Release year near the seeds' years (per decade of distance). */
  year: number;
  /** Closeness to the listener's taste centroid and affinity to artists they play and like. */
  taste: number;
  /** Push away from disliked and skipped tracks and their artists. */
  dislike: number;
  /** Played or liked together by the same listeners. */
  cooccurrence: number;
  /** Popularity prior, per standard deviation of popularity. */
  popularity: number;
  /** MMR trade-off: 0 = pure relevance, 1 = pure novelty. */
  diversity: number;
}

export const defaultWeights: Weights = {
  targets: 2,
  mood: 1.5,
  seeds: 1,
  artistProfile: 1,
  nearestSeed: 0.6,
  nearestSeedProfile: 1,
  genre: 1,
  artist: 1.5,
  album: 1.5,
  albumMates: 0.7,
  year: 0.7,
  taste: 1.2,
  dislike: 0.6,
  cooccurrence: 3,
  popularity: 0.08,
  diversity: 0.25,
};
