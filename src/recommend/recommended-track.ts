import type { CatalogTrack, RecommendedTrack } from '../protocol/index.js';

/** A catalog track as a card: what a client shows, with the score and reasons it was chosen for. */
export function toRecommendedTrack(track: CatalogTrack, score: number, reasons: string[]): RecommendedTrack {
  return {
    id: track.id,
    name: track.name,
    artists: track.artists,
    album: track.album,
    releaseDate: track.releaseDate,
    genres: track.genres,
    features: { ...track.features },
    estimated: track.estimated,
    popularity: track.popularity,
    score,
    reasons,
  };
}
