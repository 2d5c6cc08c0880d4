import { z } from 'zod';

/** Listening history import and stats (REST /api/v1/imports, /api/v1/stats; socket `import:progress`). */

/** What became of one history file of an upload (a JSON file, or a member of a ZIP). */
export interface HistoryImportFile {
  /** The upload's name, or `upload.zip › member path` for a file inside a ZIP. */
  name: string;
  /** ok: read to the end; failed: damaged (plays before the damage are kept); refused: not read at all. */
  status: 'ok' | 'failed' | 'refused';
  error: string | null;
  rows: number;
  plays: number;
  skippedPodcasts: number;
  skippedAudiobooks: number;
  unplayable: number;
  rejected: number;
}

/** An import's running count; complete once the job is done. */
export interface HistoryImportReport {
  /** 0 to 1, by bytes of listening history read. */
  progress: number;
  files: HistoryImportFile[];
  /** Plays read (music rows that were valid). */
  plays: number;
  /** Plays stored; the rest were already there (duplicates) from an earlier import. */
  inserted: number;
  duplicates: number;
  /** Plays matched to a catalog track by their Spotify URI, by title and artist, or not at all. */
  matchedByUri: number;
  matchedByName: number;
  unmatched: number;
  skippedPodcasts: number;
  skippedAudiobooks: number;
  unplayable: number;
  rejected: number;
  /** Plays from private sessions: in stats, never in taste. */
  incognito: number;
  firstPlayedAt: string | null;
  lastPlayedAt: string | null;
}

export type ImportStatus = 'pending' | 'running' | 'done' | 'failed';

/** GET /api/v1/imports/:id, the 202 of POST /api/v1/imports and the payload of `import:progress`. */
export interface HistoryImport {
  id: string;
  status: ImportStatus;
  /** The uploaded file names, comma-separated. */
  source: string;
  report: HistoryImportReport;
  /** Why the import failed, or the first problems of files that were not read. */
  errors: string[];
  createdAt: string;
  updatedAt: string;
}

export const statsPeriods = ['week', 'month', 'year', 'all'] as const;
export type StatsPeriod = (typeof statsPeriods)[number];

const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 time such as 2024-03-01T00:00:00Z',
});

/** GET /api/v1/stats query: a period ending now, or from/to (either may be left open). */
export const statsQuerySchema = z
  .strictObject({
    period: z.enum(statsPeriods).default('all'),
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** Minutes east of UTC for plays by hour and weekday (the browser's -getTimezoneOffset()). */
    utcOffset: z.coerce.number().int().min(-720).max(840).default(0),
    top: z.coerce.number().int().min(1).max(50).default(10),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    message: 'must be after from',
    path: ['to'],
  });
export type StatsQuery = z.infer<typeof statsQuerySchema>;

export interface PlayTotalsView {
  plays: number;
  msPlayed: number;
  skips: number;
}

/** GET /api/v1/stats */
export interface ListeningStatsView extends PlayTotalsView {
  /** The period counted: from inclusive, to exclusive; null where open. */
  from: string | null;
  to: string | null;
  utcOffset: number;
  /** skips / plays (0 without plays). A skip: flagged skipped, or shorter than 30 s with no skip flag. */
  skipRate: number;
  matchedPlays: number;
  firstPlayedAt: string | null;
  lastPlayedAt: string | null;
  topTracks: Array<PlayTotalsView & { trackName: string; artistName: string; trackId: string | null }>;
  topArtists: Array<PlayTotalsView & { artistName: string }>;
  mostSkippedArtists: Array<PlayTotalsView & { artistName: string }>;
  topGenres: Array<PlayTotalsView & { genre: string }>;
  /** 24 counts, local hour 0–23 (by utcOffset, whole hours). */
  playsByHour: number[];
  /** 7 counts, local weekday, 0 = Monday. */
  playsByWeekday: number[];
}
