import type { Play } from './play.js';

/**
 * What one play says about the listener's taste.
 * - skip: Spotify flagged it skipped, or the listener pressed next or back within the first 30 s.
 * - positive: played to its end (reason_end trackdone) after at least 60 s, not flagged skipped.
 * - weak-skip: a play shorter than 30 s with no skip information (all of account data, and extended
 *   rows without skipped or reason_end); it may be a skip, or a session that simply ended.
 * - neutral: everything else (ended by pressing play elsewhere, a long play cut short, a short track).
 */
export type ListeningSignal = 'positive' | 'neutral' | 'skip' | 'weak-skip';

export const signalThresholds = Object.freeze({
  /** Spotify counts a stream from 30 s; a next or back before that is a skip. */
  shortPlayMs: 30_000,
  /**
   * A complete play counts as liked from a minute: most songs run two to four minutes, and what ends
   * sooner is an interlude or a play the listener seeked to the end of.
   */
  positiveMinMs: 60_000,
});

const skipReasons = new Set(['fwdbtn', 'backbtn']);

export function listeningSignal(
  play: Pick<Play, 'msPlayed' | 'skipped' | 'reasonEnd'>,
  thresholds: { shortPlayMs: number; positiveMinMs: number } = signalThresholds,
): ListeningSignal {
  const short = play.msPlayed < thresholds.shortPlayMs;
  if (play.skipped === true) return 'skip';
  if (play.reasonEnd !== null && skipReasons.has(play.reasonEnd) && short) return 'skip';
  if (play.reasonEnd === 'trackdone' && play.msPlayed >= thresholds.positiveMinMs) return 'positive';
  if (play.skipped === null && play.reasonEnd === null && short) return 'weak-skip';
  return 'neutral';
}
