import { describe, expect, it } from 'vitest';
import { localHours, statsRange } from '../../src/listening/index.js';

describe('stats periods and local hours', () => {
  const now = new Date('2024-03-31T12:00:00.000Z');

  it('a period ends now; from/to win over it; all is open', () => {
    expect(statsRange({ period: 'week' }, now)).toEqual({ from: '2024-03-24T12:00:00.000Z', to: null });
    expect(statsRange({ period: 'month' }, now)).toEqual({ from: '2024-03-01T12:00:00.000Z', to: null });
    expect(statsRange({ period: 'year' }, now).from).toBe('2023-04-01T12:00:00.000Z');
    expect(statsRange({ period: 'all' }, now)).toEqual({ from: null, to: null });
    expect(statsRange({ period: 'week', from: '2024-01-01T01:00:00+01:00' }, now)).toEqual({
      from: '2024-01-01T00:00:00.000Z',
      to: null,
    });
  });

  it('shifts UTC hours of the week into local hours and Monday-first weekdays', () => {
    const week = new Array<number>(168).fill(0);
    week[0] = 1; // Sunday 00:00 UTC
    week[32] = 2; // Monday 08:00 UTC
    week[167] = 4; // Saturday 23:00 UTC
    const utc = localHours(week, 0);
    expect(utc.playsByHour[0]).toBe(1);
    expect(utc.playsByHour[8]).toBe(2);
    expect(utc.playsByHour[23]).toBe(4);
    expect(utc.playsByWeekday).toEqual([2, 0, 0, 0, 0, 4, 1]);

    // UTC+2: Sunday 00 → Sunday 02, Monday 08 → 10, Saturday 23 → Sunday 01.
    const east = localHours(week, 120);
    expect(east.playsByHour[2]).toBe(1);
    expect(east.playsByHour[10]).toBe(2);
    expect(east.playsByHour[1]).toBe(4);
    expect(east.playsByWeekday).toEqual([2, 0, 0, 0, 0, 0, 5]);

    // UTC−5: Sunday 00 → Saturday 19, Monday 08 → Monday 03.
    const west = localHours(week, -300);
    expect(west.playsByHour[19]).toBe(1);
    expect(west.playsByHour[3]).toBe(2);
    expect(west.playsByWeekday).toEqual([2, 0, 0, 0, 0, 5, 0]);
    expect(west.playsByHour.reduce((sum, plays) => sum + plays, 0)).toBe(7);
  });
});
