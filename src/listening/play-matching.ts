import type { MatchedPlay, Recommender } from '../recommend/index.js';
import type { NewListeningEvent, PlaySignal } from '../store/index.js';

/** A play from any source (an export row, a recently-played item) about to be stored. */
export interface PlayToStore {
  playedAt: string;
  trackName: string;
  artistName: string;
  albumName: string | null;
  msPlayed: number;
  /** `spotify:track:<id>`, when the source has it. */
  spotifyTrackUri: string | null;
  signal: PlaySignal;
  incognito: boolean;
  /** `account`, `extended`, `recently-played`. */
  source: string;
}

const trackUriPrefix = 'spotify:track:';

/**
 * Matches plays to catalog tracks, remembering each answer: a history repeats its tracks (100,000 plays
 * are typically under 15,000 tracks) and resolving by title and artist is the costly part.
 */
export class PlayMatcher {
  readonly #recommender: Pick<Recommender, 'matchPlay'>;
  readonly #known = new Map<string, MatchedPlay | null>();

  constructor(recommender: Pick<Recommender, 'matchPlay'>) {
    this.#recommender = recommender;
  }

  match(play: Pick<PlayToStore, 'spotifyTrackUri' | 'trackName' | 'artistName'>): MatchedPlay | null {
    const key = `${play.spotifyTrackUri ?? ''}\u0000${play.trackName}\u0000${play.artistName}`;
    if (this.#known.has(key)) return this.#known.get(key) ?? null;
    const uri = play.spotifyTrackUri;
    const matched = this.#recommender.matchPlay({
      spotifyTrackId: uri?.startsWith(trackUriPrefix) ? uri.slice(trackUriPrefix.length) : null,
      title: play.trackName,
      artist: play.artistName,
    });
    this.#known.set(key, matched);
    return matched;
  }
}

/** The stored form of a play, with the catalog track (and its genre) it matched. */
export function toListeningEvent(
  userId: string,
  play: PlayToStore,
  matched: MatchedPlay | null,
): NewListeningEvent {
  return {
    userId,
    trackId: matched?.trackId ?? null,
    trackName: play.trackName,
    artistName: play.artistName,
    albumName: play.albumName,
    playedAt: play.playedAt,
    msPlayed: play.msPlayed,
    source: play.source,
    signal: play.signal,
    incognito: play.incognito,
    genre: matched?.genre ?? null,
  };
}
