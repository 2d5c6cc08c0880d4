/**
 * What the engine knows about one listener, already mapped to catalog rows: built per recommend call
 * from the store (listener-profile.ts) so feedback given a moment ago counts on the next call.
 */
export interface ListenerSignals {
  /** Liked and saved rows, newest first. */
  likedRows: number[];
  /** Rows played (history and 'play' feedback), newest first, deduplicated. */
  playedRows: number[];
  dislikedRows: number[];
  skippedRows: number[];
  /** Artist number → affinity in (0, 1], from plays and likes. */
  artistAffinity: Map<number, number>;
  /** Artists of disliked tracks. */
  dislikedArtists: Set<number>;
}

export const emptyListener: ListenerSignals = {
  likedRows: [],
  playedRows: [],
  dislikedRows: [],
  skippedRows: [],
  artistAffinity: new Map(),
  dislikedArtists: new Set(),
};
