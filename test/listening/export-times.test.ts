import { describe, expect, it } from 'vitest';
import { isoFromAccountTime, isoFromTimestamp } from '../../src/listening/export/export-times.js';

describe('export times', () => {
  it('reads account data times as UTC to the minute', () => {
    expect(isoFromAccountTime('2024-02-29 23:59')).toBe('2024-02-29T23:59:00.000Z');
    for (const text of ['2023-02-29 10:00', '2024-01-01 24:00', '2024-01-01 10:60', '2024-01-01T10:00', '']) {
      expect(isoFromAccountTime(text)).toBeNull();
    }
  });

  it('reads extended history times, with Z or an offset, as UTC', () => {
    expect(isoFromTimestamp('2023-03-01T08:15:02Z')).toBe('2023-03-01T08:15:02.000Z');
    expect(isoFromTimestamp('2023-03-01T08:15:02.5Z')).toBe('2023-03-01T08:15:02.500Z');
    expect(isoFromTimestamp('2023-03-01T01:15:02+02:00')).toBe('2023-02-28T23:15:02.000Z');
    for (const text of [
      '2023-02-30T10:00:00Z',
      '2023-03-01T08:15:60Z',
      '2023-03-01 08:15:02',
      '2023-03-01T08:15Z',
    ]) {
      expect(isoFromTimestamp(text)).toBeNull();
    }
  });

  it('still refuses an unreal day right after a real one', () => {
    expect(isoFromTimestamp('2023-02-28T10:00:00Z')).not.toBeNull();
    expect(isoFromTimestamp('2023-02-29T10:00:00Z')).toBeNull();
  });
});
