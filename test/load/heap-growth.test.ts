import { describe, expect, it } from 'vitest';
import { type HeapSample, heapFloors, heapGrowth, leastSquaresSlope } from '../../bench/load/heap-growth.js';

const MB = 1024 ** 2;

/** A heap that saws between collections every 10 s around `base`, plus `leakMbPerMinute`. */
function series(seconds: number, leakMbPerMinute: number, base = 80 * MB): HeapSample[] {
  const samples: HeapSample[] = [];
  for (let atSeconds = 0; atSeconds <= seconds; atSeconds += 2) {
    const saw = ((atSeconds % 10) / 10) * 30 * MB;
    const leak = (atSeconds / 60) * leakMbPerMinute * MB;
    samples.push({ atSeconds, heapUsedBytes: base + saw + leak, rssBytes: 0 });
  }
  return samples;
}

describe('the soak rule on heap samples', () => {
  it('fits a least-squares slope', () => {
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    expect(leastSquaresSlope([{ x: 0, y: 1 }])).toBeNaN();
  });

  it('takes the lowest reading of each window as the floor', () => {
    const floors = heapFloors(series(60, 0));
    expect(floors.length).toBe(6);
    for (const floor of floors) expect(floor.y).toBe(80 * MB);
  });

  it('calls a sawing heap without a trend steady, however high its peaks', () => {
    const growth = heapGrowth(series(600, 0), 600);
    expect(growth.verdict).toBe('steady');
    expect(Math.abs(growth.slopeMbPerMinute)).toBeLessThan(0.01);
  });

  it('calls a heap whose floor climbs 3 MB a minute growing', () => {
    const growth = heapGrowth(series(600, 3), 600);
    expect(growth.verdict).toBe('growing');
    expect(growth.slopeMbPerMinute).toBeCloseTo(3, 0);
    expect(growth.thirdsGrowth).toBeGreaterThan(0.1);
  });

  it('does not judge a run too short to have enough floors after the warm-up', () => {
    expect(heapGrowth(series(30, 10), 30).verdict).toBe('too short');
  });
});
