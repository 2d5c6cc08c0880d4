import { describe, expect, it } from 'vitest';
import { openFileLimit } from '../../bench/idle/file-limit.js';
import { parseIdleOptions } from '../../bench/idle/idle-options.js';

describe('idle-connection bench flags', () => {
  it('defaults to 20,000 connections when the open-file limit allows, else the limit less 100', () => {
    expect(parseIdleOptions([], 65_536)).toEqual({
      connections: 20_000,
      perProcess: 5_000,
      settleSeconds: 10,
    });
    expect(parseIdleOptions([], 20_000)).toMatchObject({ connections: 19_900 });
    expect(parseIdleOptions([], 1_024)).toEqual({ connections: 924, perProcess: 924, settleSeconds: 10 });
    expect(parseIdleOptions('--connections 2000 --per-process 500 --settle 3'.split(' '), 20_000)).toEqual({
      connections: 2_000,
      perProcess: 500,
      settleSeconds: 3,
    });
  });

  it.each([
    [['--connections', '20000'], '--connections must be at most 19900 (the open-file limit 20000 less 100)'],
    [['--connections', 'many'], '--connections must be a number'],
    [['--per-process', '10'], '--per-process must be at least 100'],
    [['--settle', '1.5'], '--settle must be a whole number'],
    [['--idle'], "Unknown option '--idle'"],
  ])('refuses %j, naming the flag', (argv, message) => {
    expect(() => parseIdleOptions(argv, 20_000)).toThrow(message);
  });

  it("reads this process's open-file limits from the kernel", () => {
    const limit = openFileLimit();
    expect(limit.soft).toBeGreaterThan(0);
    expect(limit.hard).toBeGreaterThanOrEqual(limit.soft);
  });
});
