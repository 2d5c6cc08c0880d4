/** One reading of an instance's heap, `atSeconds` after the load started. */
export interface HeapSample {
  atSeconds: number;
  heapUsedBytes: number;
  rssBytes: number;
}

/**
 * The soak rule. The used heap saws up and down with garbage, so growth is judged on its floor: the
 * lowest reading in each window of FLOOR_WINDOW samples (what survived the collections in between).
 * After the warm-up (the first quarter of the run, at most WARM_UP_MAX_SECONDS: JIT, pools, caches
 * filling), the heap grows steadily when both hold:
 *   - the least-squares slope of the floors is above MAX_SLOPE_MB_PER_MINUTE, and
 *   - the mean floor of the last third is above the mean floor of the first third by more than
 *     MAX_THIRDS_GROWTH (a slope alone can be one late collection's doing).
 */
export const SOAK_RULE = {
  FLOOR_WINDOW: 5,
  WARM_UP_SHARE: 0.25,
  WARM_UP_MAX_SECONDS: 120,
  MAX_SLOPE_MB_PER_MINUTE: 1,
  MAX_THIRDS_GROWTH: 0.1,
  /** Fewer floors than this after the warm-up: too short to judge. */
  MIN_FLOORS: 4,
} as const;

export interface HeapGrowth {
  /** MB per minute, least squares over the post-warm-up floors (NaN when there are fewer than two). */
  slopeMbPerMinute: number;
  /** Mean floor of the last third over the first third, minus 1 (0.1 = 10 % more). */
  thirdsGrowth: number;
  floors: number;
  verdict: 'steady' | 'growing' | 'too short';
}

/** Slope of y over x by least squares. */
export function leastSquaresSlope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}

/** The lowest heap reading of each full window, placed at the window's middle. */
export function heapFloors(samples: HeapSample[], window: number = SOAK_RULE.FLOOR_WINDOW) {
  const floors: Array<{ x: number; y: number }> = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    const slice = samples.slice(start, start + window);
    const middle = (slice[0]!.atSeconds + slice.at(-1)!.atSeconds) / 2;
    floors.push({ x: middle, y: Math.min(...slice.map((sample) => sample.heapUsedBytes)) });
  }
  return floors;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export function heapGrowth(samples: HeapSample[], runSeconds: number): HeapGrowth {
  const warmUp = Math.min(SOAK_RULE.WARM_UP_MAX_SECONDS, runSeconds * SOAK_RULE.WARM_UP_SHARE);
  const floors = heapFloors(samples.filter((sample) => sample.atSeconds >= warmUp));
  const slopeMbPerMinute = (leastSquaresSlope(floors) * 60) / 1024 ** 2;
  const third = Math.floor(floors.length / 3);
  const thirdsGrowth =
    third === 0
      ? Number.NaN
      : mean(floors.slice(-third).map((floor) => floor.y)) /
          mean(floors.slice(0, third).map((floor) => floor.y)) -
        1;
  if (floors.length < SOAK_RULE.MIN_FLOORS) {
    return { slopeMbPerMinute, thirdsGrowth, floors: floors.length, verdict: 'too short' };
  }
  const growing =
    slopeMbPerMinute > SOAK_RULE.MAX_SLOPE_MB_PER_MINUTE && thirdsGrowth > SOAK_RULE.MAX_THIRDS_GROWTH;
  return { slopeMbPerMinute, thirdsGrowth, floors: floors.length, verdict: growing ? 'growing' : 'steady' };
}
