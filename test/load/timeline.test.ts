import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Timeline } from '../../bench/load/timeline.js';

describe('load timeline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('uses a tenth of the run per interval, at least 5 s', () => {
    expect(new Timeline(600).intervalSeconds).toBe(60);
    expect(new Timeline(30).intervalSeconds).toBe(5);
  });

  it('counts each event in the interval it happened in, from start(), with quiet intervals kept', () => {
    const timeline = new Timeline(30);
    vi.advanceTimersByTime(2_000);
    timeline.start();
    timeline.record('send');
    vi.advanceTimersByTime(4_900);
    timeline.record('ack');
    vi.advanceTimersByTime(200);
    timeline.record('ack');
    vi.advanceTimersByTime(10_000);
    timeline.record('busy');
    expect(timeline.intervals).toEqual([
      { fromSeconds: 0, counts: { send: 1, ack: 1 } },
      { fromSeconds: 5, counts: { ack: 1 } },
      { fromSeconds: 10, counts: {} },
      { fromSeconds: 15, counts: { busy: 1 } },
    ]);
  });
});
