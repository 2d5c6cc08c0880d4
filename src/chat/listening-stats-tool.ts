import { z } from 'zod';
import { describeIssues } from '../errors.js';
import { listeningStatsFor } from '../listening/index.js';
import { type ListeningStatsView, statsPeriods } from '../protocol/index.js';
import type { ToolDefinition } from '../providers/index.js';
import type { ListeningStore } from '../store/index.js';

export const LISTENING_STATS = 'listening_stats';

const time = z
  .string()
  .refine(
    (value) => !Number.isNaN(Date.parse(value)),
    'must be a date such as 2024-03-01 or an ISO 8601 time',
  );
const focuses = ['tracks', 'artists', 'genres', 'skips', 'time'] as const;

export const listeningStatsArgumentsSchema = z
  .strictObject({
    period: z.enum(statsPeriods).default('all').describe('week, month or year = the last 7, 30 or 365 days'),
    from: time.optional().describe('start (inclusive), e.g. 2024-03-01; overrides period'),
    to: time.optional().describe('end (exclusive), e.g. 2024-04-01'),
    top: z.number().int().min(1).max(20).default(5),
    focus: z.enum(focuses).optional().describe('what the listener asked about'),
  })
  .refine(
    (args) => args.from === undefined || args.to === undefined || Date.parse(args.from) < Date.parse(args.to),
    {
      message: 'must be after from',
      path: ['to'],
    },
  );
export type ListeningStatsArguments = z.infer<typeof listeningStatsArgumentsSchema>;

export const listeningStatsTool: ToolDefinition = {
  name: LISTENING_STATS,
  description:
    "The listener's own listening history (imported from Spotify): plays, listening time, top tracks, " +
    'artists and genres, most skipped artists, skip rate, busiest hour and weekday, for a period. Use it ' +
    'whenever they ask about what they played, skipped or listen to most; answer with its real numbers.',
  inputSchema: z.toJSONSchema(listeningStatsArgumentsSchema, { io: 'input' }) as Record<string, unknown>,
};

export function parseListeningStatsArguments(
  args: unknown,
): { ok: true; args: ListeningStatsArguments } | { ok: false; problem: string } {
  const result = listeningStatsArgumentsSchema.safeParse(args);
  return result.success
    ? { ok: true, args: result.data }
    : { ok: false, problem: describeIssues(result.error.issues) };
}

/** Runs the tool: the caller's stats, as the compact JSON the model reads. */
export async function runListeningStats(
  store: Pick<ListeningStore, 'listeningStats'>,
  userId: string,
  args: ListeningStatsArguments,
): Promise<string> {
  const stats = await listeningStatsFor(store, userId, {
    period: args.period,
    utcOffset: 0,
    top: args.top,
    ...(args.from === undefined ? {} : { from: new Date(args.from).toISOString() }),
    ...(args.to === undefined ? {} : { to: new Date(args.to).toISOString() }),
  });
  return JSON.stringify(toolView(stats, args.focus));
}

const minutes = (ms: number) => Math.round(ms / 60_000);
const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function busiest(counts: readonly number[]): number | null {
  const most = Math.max(0, ...counts);
  return most === 0 ? null : counts.indexOf(most);
}

function toolView(stats: ListeningStatsView, focus: ListeningStatsArguments['focus']) {
  const hour = busiest(stats.playsByHour);
  const weekday = busiest(stats.playsByWeekday);
  return {
    focus: focus ?? null,
    from: stats.from,
    to: stats.to,
    plays: stats.plays,
    listeningMinutes: minutes(stats.msPlayed),
    skips: stats.skips,
    skipRate: Math.round(stats.skipRate * 1000) / 1000,
    firstPlayedAt: stats.firstPlayedAt,
    lastPlayedAt: stats.lastPlayedAt,
    topTracks: stats.topTracks.map((row) => ({
      track: row.trackName,
      artist: row.artistName,
      plays: row.plays,
      minutes: minutes(row.msPlayed),
    })),
    topArtists: stats.topArtists.map((row) => ({
      artist: row.artistName,
      plays: row.plays,
      minutes: minutes(row.msPlayed),
    })),
    mostSkippedArtists: stats.mostSkippedArtists.map((row) => ({
      artist: row.artistName,
      skips: row.skips,
      plays: row.plays,
    })),
    topGenres: stats.topGenres.map((row) => ({ genre: row.genre, plays: row.plays })),
    busiestHourUtc: hour,
    busiestWeekdayUtc: weekday === null ? null : weekdays[weekday],
  };
}

export type ListeningStatsToolResult = ReturnType<typeof toolView>;
