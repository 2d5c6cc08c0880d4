import type { HistorySource } from './export-files.js';

/** One play read from a Spotify export, the same shape whichever file it came from. */
export interface Play {
  /** When the play ended, ISO 8601 UTC. Account data gives it to the minute, extended history to the second. */
  playedAt: string;
  trackName: string;
  artistName: string;
  /** Extended history only. */
  albumName: string | null;
  msPlayed: number;
  /** `spotify:track:<id>`; extended history only. */
  spotifyTrackUri: string | null;
  /** Spotify's own skip flag; extended history only, and null in many older rows. */
  skipped: boolean | null;
  /** Why the play started and ended (`trackdone`, `fwdbtn`, `clickrow`…); extended history only. */
  reasonStart: string | null;
  reasonEnd: string | null;
  shuffle: boolean | null;
  /** Played in a private session, which the listener asked not to shape recommendations; extended only. */
  incognito: boolean | null;
  source: HistorySource;
  /** The file the play came from (its path inside the ZIP). */
  file: string;
}
