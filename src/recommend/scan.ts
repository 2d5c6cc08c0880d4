import type { FeatureIndex } from './feature-index.js';
import type { QueryPlan } from './query-plan.js';
import { TopK } from './top-k.js';

/**
 * Per-engine scratch buffers, one slot per catalog row, reused by every scan so a query allocates
 * nothing proportional to the catalog. Scans are synchronous, so one engine never shares them.
 */
export class ScanScratch {
  readonly bonus: Float32Array;
  readonly blocked: Uint8Array;

  constructor(size: number) {
    this.bonus = new Float32Array(size);
    this.blocked = new Uint8Array(size);
  }
}

/**
 * One pass over the feature matrix: bounds and blocks filter, the folded quadratic scores closeness to
 * every target at once, sparse bonuses and the year term add; a heap keeps the best `poolSize` rows.
 */
export function scan(
  index: FeatureIndex,
  plan: QueryPlan,
  scratch: ScanScratch,
  poolSize: number,
): Array<{ row: number; score: number }> {
  const { bonus, blocked } = scratch;
  for (const [row, value] of plan.bonuses) bonus[row] = value;
  for (const row of plan.blockedRows) blocked[row] = 1;
  try {
    return scanRows(index, plan, scratch, new TopK(Math.max(1, poolSize)));
  } finally {
    for (const row of plan.bonuses.keys()) bonus[row] = 0;
    for (const row of plan.blockedRows) blocked[row] = 0;
  }
}

function scanRows(
  index: FeatureIndex,
  plan: QueryPlan,
  scratch: ScanScratch,
  best: TopK,
): Array<{ row: number; score: number }> {
  const { standardized, columns, explicit, years, size } = index;
  const { quadratic, linear, activeColumns, boundedColumns, lower, upper, forbidExplicit } = plan;
  const { bonus, blocked } = scratch;
  const activeCount = activeColumns.length;
  const boundedCount = boundedColumns.length;
  const useYear = plan.yearWeight > 0;
  const yearScale = plan.yearWeight / 10;
  rows: for (let row = 0; row < size; row++) {
    if (blocked[row] === 1) continue;
    if (forbidExplicit && explicit[row] === 1) continue;
    const base = row * columns;
    for (let at = 0; at < boundedCount; at++) {
      const column = boundedColumns[at]!;
      const value = standardized[base + column]!;
      if (value < lower[column]! || value > upper[column]!) continue rows;
    }
    let score = bonus[row]!;
    for (let at = 0; at < activeCount; at++) {
      const column = activeColumns[at]!;
      const value = standardized[base + column]!;
      score -= (quadratic[column]! * value + linear[column]!) * value;
    }
    if (useYear) {
      const year = years[row]!;
      // Unknown years count as a decade away; distance stops mattering past 30 years.
      score -= Number.isNaN(year)
        ? plan.yearWeight
        : Math.min(Math.abs(year - plan.yearTarget), 30) * yearScale;
    }
    if (score > best.threshold) best.push(score, row);
  }
  return best.drain().map((entry) => ({ row: entry.row, score: entry.score - plan.constant }));
}
