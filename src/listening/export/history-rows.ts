import { describeIssues } from '../../errors.js';
import type { HistorySource } from './export-files.js';
import type { Play } from './play.js';
import { accountRowSchema, extendedTrackRowSchema } from './row-schemas.js';

/** What one row of a history file turned out to be. */
export type RowOutcome =
  | { kind: 'play'; play: Play }
  | { kind: 'podcast' }
  | { kind: 'audiobook' }
  /** A music row without a track name: a track since removed, or one Spotify could not attribute. */
  | { kind: 'unplayable' }
  | { kind: 'rejected'; reason: string };

const trackUri = /^spotify:track:[0-9A-Za-z]{22}$/;

export function readHistoryRow(
  source: HistorySource,
  row: Record<string, unknown>,
  file: string,
): RowOutcome {
  return source === 'account' ? readAccountRow(row, file) : readExtendedRow(row, file);
}

export function readAccountRow(row: Record<string, unknown>, file: string): RowOutcome {
  const parsed = accountRowSchema.safeParse(row);
  if (!parsed.success) return { kind: 'rejected', reason: describeIssues(parsed.error.issues) };
  const { endTime, artistName, trackName, msPlayed } = parsed.data;
  return {
    kind: 'play',
    play: {
      playedAt: endTime,
      trackName,
      artistName,
      albumName: null,
      msPlayed,
      spotifyTrackUri: null,
      skipped: null,
      reasonStart: null,
      reasonEnd: null,
      shuffle: null,
      incognito: null,
      source: 'account',
      file,
    },
  };
}

const present = (value: unknown) => value !== null && value !== undefined;

export function readExtendedRow(row: Record<string, unknown>, file: string): RowOutcome {
  if (present(row.episode_name) || present(row.spotify_episode_uri)) return { kind: 'podcast' };
  if (present(row.audiobook_title) || present(row.audiobook_uri) || present(row.audiobook_chapter_uri)) {
    return { kind: 'audiobook' };
  }
  if (!present(row.master_metadata_track_name)) return { kind: 'unplayable' };
  const parsed = extendedTrackRowSchema.safeParse(row);
  if (!parsed.success) return { kind: 'rejected', reason: describeIssues(parsed.error.issues) };
  const data = parsed.data;
  return {
    kind: 'play',
    play: {
      playedAt: data.ts,
      trackName: data.master_metadata_track_name,
      artistName: data.master_metadata_album_artist_name,
      albumName: data.master_metadata_album_album_name?.trim() || null,
      msPlayed: data.ms_played,
      // Anything else in the field (a local file's URI) names no catalog track.
      spotifyTrackUri:
        data.spotify_track_uri && trackUri.test(data.spotify_track_uri) ? data.spotify_track_uri : null,
      skipped: data.skipped ?? null,
      reasonStart: data.reason_start ?? null,
      reasonEnd: data.reason_end ?? null,
      shuffle: data.shuffle ?? null,
      incognito: data.incognito_mode ?? null,
      source: 'extended',
      file,
    },
  };
}
