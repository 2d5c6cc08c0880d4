/**
 * Times in the export, turned into ISO 8601 UTC (`2024-01-02T03:04:00.000Z`); null when the text is not a
 * real date and time. Date alone would roll 2023-02-30 over into March, so the calendar day is checked.
 */

const accountTime = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})$/;
const extendedTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Account data's `endTime`, "YYYY-MM-DD HH:MM" in UTC. */
export function isoFromAccountTime(text: string): string | null {
  const match = accountTime.exec(text);
  if (!match || !realClock(match[2]!, match[3]!, '00')) return null;
  return realDay(match[1]!) ? `${match[1]}T${match[2]}:${match[3]}:00.000Z` : null;
}

/** Extended history's `ts`: ISO 8601 with Z (as Spotify writes it) or an offset. */
export function isoFromTimestamp(text: string): string | null {
  const match = extendedTime.exec(text);
  if (!match || !realDay(match[1]!) || !realClock(match[2]!, match[3]!, match[4]!)) return null;
  // Spotify's own form (whole seconds, Z) is already UTC: only the milliseconds are missing.
  if (match[5] === undefined && match[6] === 'Z') return `${text.slice(0, 19)}.000Z`;
  const time = new Date(text).getTime();
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** The last day found real: history is in time order, so most rows ask about the day before them. */
let lastRealDay = '';

function realDay(day: string): boolean {
  if (day === lastRealDay) return true;
  const date = new Date(`${day}T00:00:00.000Z`);
  const real = !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
  if (real) lastRealDay = day;
  return real;
}

const realClock = (hours: string, minutes: string, seconds: string) =>
  Number(hours) < 24 && Number(minutes) < 60 && Number(seconds) < 60;
