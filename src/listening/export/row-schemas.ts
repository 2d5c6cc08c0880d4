import { z } from 'zod';
import { isoFromAccountTime, isoFromTimestamp } from './export-times.js';

/**
 * The rows of each history format, as far as a play needs them; other fields (platform, country, IP
 * address, username…) are not read. Plain schemas without preprocessing keep 100,000 rows fast.
 */

const name = z.string().trim().min(1, 'empty').max(1_000);
/** A day of playing is the most one row can hold. */
const playedMs = z.number().int().min(0).max(86_400_000);
const optionalText = z.string().max(1_000).nullish();
const optionalFlag = z.boolean().nullish();

export const accountRowSchema = z.object({
  endTime: z.string().transform((text, context) => {
    const iso = isoFromAccountTime(text);
    if (iso === null) context.addIssue({ code: 'custom', message: 'expected a real "YYYY-MM-DD HH:MM"' });
    return iso ?? '';
  }),
  artistName: name,
  trackName: name,
  msPlayed: playedMs,
});

/** A music row of the extended history (podcast and audiobook rows are told apart before this). */
export const extendedTrackRowSchema = z.object({
  ts: z.string().transform((text, context) => {
    const iso = isoFromTimestamp(text);
    if (iso === null) context.addIssue({ code: 'custom', message: 'expected an ISO 8601 date and time' });
    return iso ?? '';
  }),
  ms_played: playedMs,
  master_metadata_track_name: name,
  master_metadata_album_artist_name: name,
  master_metadata_album_album_name: optionalText,
  spotify_track_uri: optionalText,
  reason_start: optionalText,
  reason_end: optionalText,
  shuffle: optionalFlag,
  skipped: optionalFlag,
  incognito_mode: optionalFlag,
});
