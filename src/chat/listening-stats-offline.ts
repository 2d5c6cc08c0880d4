import type { OfflineAnswerTool } from '../providers/index.js';
import { LISTENING_STATS, type ListeningStatsToolResult } from './listening-stats-tool.js';

/**
 * listening_stats as the offline model uses it: it calls the tool when the listener asks about their
 * own listening ("what did I play most last month?", "who did I skip the most?") and reads the result
 * out in plain words.
 */
export function offlineListeningStatsTool(now: () => Date = () => new Date()): OfflineAnswerTool {
  return {
    name: LISTENING_STATS,
    argumentsFor: (text) =>
      asksAboutListening(text) ? { ...periodOf(text, now()), focus: focusOf(text) } : null,
    replyTo: (content) => {
      const result = readResult(content);
      return result === undefined ? undefined : describe(result);
    },
  };
}

const request =
  /^\s*(please\s+|can you\s+|could you\s+)?(play|recommend|suggest|give|find|put|queue|make|show me some)\b/i;
const aboutMe = /\b(i|my|me|i've|i'm)\b/i;
const listening = /\b(play(ed|s)?|listen(ed|ing)?|skip(ped|s)?|stream(ed)?|stats|statistics|top)\b/i;
const measure =
  /\b(most|top|favou?rites?|how (much|many|long|often)|stats|statistics|skip(ped|s)?|listening time)\b/i;

export function asksAboutListening(text: string): boolean {
  return !request.test(text) && aboutMe.test(text) && listening.test(text) && measure.test(text);
}

function focusOf(text: string): ListeningStatsToolResult['focus'] {
  if (/\bskip/i.test(text)) return 'skips';
  if (/\bgenres?\b|\bstyles?\b/i.test(text)) return 'genres';
  if (/\b(artists?|bands?|singers?|who)\b/i.test(text)) return 'artists';
  if (/\bhow (much|long)\b|\b(time|hours|minutes)\b/i.test(text)) return 'time';
  return 'tracks';
}

/** "last month" is the calendar month before this one; "past month" and "last 30 days" end now. */
export function periodOf(text: string, now: Date): { period: string; from?: string; to?: string } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const day = (y: number, m: number) => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  const named = /\bin (20\d\d|19\d\d)\b/.exec(text);
  if (named) return { period: 'all', from: `${named[1]}-01-01`, to: `${Number(named[1]) + 1}-01-01` };
  if (/\b(last|previous) month\b/i.test(text))
    return { period: 'all', from: day(year, month - 1), to: day(year, month) };
  if (/\bthis month\b/i.test(text)) return { period: 'all', from: day(year, month) };
  if (/\b(last|previous) year\b/i.test(text))
    return { period: 'all', from: `${year - 1}-01-01`, to: `${year}-01-01` };
  if (/\bthis year\b/i.test(text)) return { period: 'all', from: `${year}-01-01` };
  if (/\b(week|7 days)\b/i.test(text)) return { period: 'week' };
  if (/\b(past|last) (month|30 days)\b/i.test(text)) return { period: 'month' };
  if (/\b(past|last) (year|12 months|365 days)\b/i.test(text)) return { period: 'year' };
  return { period: 'all' };
}

function readResult(content: string): ListeningStatsToolResult | undefined {
  try {
    const parsed = JSON.parse(content) as Partial<ListeningStatsToolResult>;
    return typeof parsed.plays === 'number' && Array.isArray(parsed.topTracks)
      ? (parsed as ListeningStatsToolResult)
      : undefined;
  } catch {
    return undefined;
  }
}

const count = (value: number, noun: string) =>
  `${value.toLocaleString('en-US')} ${noun}${value === 1 ? '' : 's'}`;

function duration(minutes: number): string {
  if (minutes < 60) return count(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? count(hours, 'hour') : `${count(hours, 'hour')} ${count(rest, 'minute')}`;
}

function periodPhrase(result: ListeningStatsToolResult): string {
  const date = (time: string) => time.slice(0, 10);
  if (result.from && result.to) return ` from ${date(result.from)} to ${date(result.to)}`;
  if (result.from) return ` since ${date(result.from)}`;
  return '';
}

function others(items: readonly string[]): string {
  if (items.length === 0) return '';
  return ` Then ${items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`}.`;
}

/** The answer in words, leading with what was asked and always giving the totals. */
export function describe(result: ListeningStatsToolResult): string {
  const period = periodPhrase(result);
  if (result.plays === 0) {
    return (
      `I have no listening history for you${period} yet. Import your Spotify data (the ZIP from ` +
      'spotify.com/account/privacy, or its StreamingHistory JSON files) and ask me again.'
    );
  }
  const totals = `In all${period}: ${count(result.plays, 'play')}, ${duration(result.listeningMinutes)} of music, ${Math.round(result.skipRate * 100)}% skipped.`;
  return `${lead(result, period)} ${totals}`;
}

function lead(result: ListeningStatsToolResult, period: string): string {
  switch (result.focus) {
    case 'skips': {
      const [first, ...rest] = result.mostSkippedArtists;
      if (!first) return `You didn't skip anything${period}.`;
      return (
        `The artist you skipped most${period} is ${first.artist}: ${count(first.skips, 'skip')} in ${count(first.plays, 'play')}.` +
        others(rest.slice(0, 2).map((row) => `${row.artist} (${count(row.skips, 'skip')})`))
      );
    }
    case 'artists':
    case 'time': {
      const [first, ...rest] = result.topArtists;
      if (result.focus === 'time' || !first) {
        return `You listened for ${duration(result.listeningMinutes)}${period}.`;
      }
      return (
        `Your most played artist${period} is ${first.artist}, with ${count(first.plays, 'play')} (${duration(first.minutes)}).` +
        others(rest.slice(0, 2).map((row) => `${row.artist} (${count(row.plays, 'play')})`))
      );
    }
    case 'genres': {
      const [first, ...rest] = result.topGenres;
      if (!first) return "I couldn't match your plays to genres in the catalog.";
      return (
        `Your top genre${period} is ${first.genre}, with ${count(first.plays, 'play')}.` +
        others(rest.slice(0, 2).map((row) => `${row.genre} (${count(row.plays, 'play')})`))
      );
    }
    default: {
      const [first, ...rest] = result.topTracks;
      if (!first) return '';
      return (
        `Your most played track${period} is “${first.track}” by ${first.artist}, with ${count(first.plays, 'play')}.` +
        others(rest.slice(0, 2).map((row) => `“${row.track}” by ${row.artist} (${count(row.plays, 'play')})`))
      );
    }
  }
}
