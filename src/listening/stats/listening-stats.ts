import type { ListeningStatsView, StatsPeriod, StatsQuery } from '../../protocol/index.js';
import type { ListeningStats, ListeningStore } from '../../store/index.js';

const dayMs = 24 * 60 * 60 * 1000;
const periodDays: Record<Exclude<StatsPeriod, 'all'>, number> = { week: 7, month: 30, year: 365 };

/** The bounds of a stats query: `from`/`to` as given, else the period ending now (open for `all`). */
export function statsRange(
  query: Pick<StatsQuery, 'period' | 'from' | 'to'>,
  now: Date,
): {
  from: string | null;
  to: string | null;
} {
  if (query.from !== undefined || query.to !== undefined) {
    return { from: normalized(query.from), to: normalized(query.to) };
  }
  if (query.period === 'all') return { from: null, to: null };
  return { from: new Date(now.getTime() - periodDays[query.period] * dayMs).toISOString(), to: null };
}

/** One listener's stats for a query, as GET /api/v1/stats and the listening_stats tool give them. */
export async function listeningStatsFor(
  store: Pick<ListeningStore, 'listeningStats'>,
  userId: string,
  query: StatsQuery,
  now = new Date(),
): Promise<ListeningStatsView> {
  const range = statsRange(query, now);
  const stats = await store.listeningStats({
    userId,
    top: query.top,
    ...(range.from === null ? {} : { from: range.from }),
    ...(range.to === null ? {} : { to: range.to }),
  });
  return toStatsView(stats, range, query.utcOffset);
}

function toStatsView(
  stats: ListeningStats,
  range: { from: string | null; to: string | null },
  utcOffset: number,
): ListeningStatsView {
  const { playsByHourOfWeek, ...rest } = stats;
  const { playsByHour, playsByWeekday } = localHours(playsByHourOfWeek, utcOffset);
  return {
    ...rest,
    from: range.from,
    to: range.to,
    utcOffset,
    skipRate: stats.plays === 0 ? 0 : stats.skips / stats.plays,
    playsByHour,
    playsByWeekday,
  };
}

/**
 * UTC hour-of-week counts (0 = Sunday 00:00 UTC) as local hours and weekdays, Monday first. The
 * offset moves whole hours: half-hour zones are counted in the hour they start in.
 */
export function localHours(
  playsByHourOfWeek: readonly number[],
  utcOffsetMinutes: number,
): { playsByHour: number[]; playsByWeekday: number[] } {
  const shift = Math.floor(utcOffsetMinutes / 60);
  const playsByHour = new Array<number>(24).fill(0);
  const playsByWeekday = new Array<number>(7).fill(0);
  playsByHourOfWeek.forEach((plays, utcHourOfWeek) => {
    const local = (((utcHourOfWeek + shift) % 168) + 168) % 168;
    playsByHour[local % 24]! += plays;
    const sundayFirst = Math.floor(local / 24);
    playsByWeekday[(sundayFirst + 6) % 7]! += plays;
  });
  return { playsByHour, playsByWeekday };
}

function normalized(time: string | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
