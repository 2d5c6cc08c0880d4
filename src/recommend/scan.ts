import type { FeatureIndex } from './feature-index.js';
import type { QueryPlan } from './query-plan.js';
import { TopK } from './top-k.js';

/**
 * Per-engine scratch buffers, one slot per catalog row, reused by every scan so a query allocates
 * nothing proportional to the catalog. Scans are synchronous, so one engine never shares them.
 */
export class ScanScratch {
  /** Sparse bonuses of the query; −∞ marks a blocked row (one array streamed instead of two). */
  readonly bonus: Float32Array;

  constructor(size: number) {
    this.bonus = new Float32Array(size);
  }
}

/**
 * The plan's quadratic rewritten for early exit: a convex column (a > 0) costs a·(z − t)² ≥ 0 with
 * t = −b / 2a, plus the constant a·t²; other columns (linear, or pushed-away) are summed in full first.
 */
interface ScanTerms {
  convexColumns: Int32Array;
  convexWeights: Float64Array;
  convexTargets: Float64Array;
  otherColumns: Int32Array;
  /** The convex columns before this position are physical; the rest are artist-profile columns. */
  physicalCount: number;
  constant: number;
}

function scanTerms(plan: QueryPlan, physicalColumns: number): ScanTerms {
  const convex = [...plan.activeColumns].filter((column) => plan.quadratic[column]! > 0);
  const targetOf = (column: number) => -plan.linear[column]! / (2 * plan.quadratic[column]!);
  // z-scores have unit variance, so a column's expected penalty is a·(1 + t²). Physical before virtual,
  // largest expected penalty first within each: they decide soonest that a row cannot enter the top k.
  const expected = (column: number) => plan.quadratic[column]! * (1 + targetOf(column) ** 2);
  convex.sort(
    (left, right) =>
      Number(left >= physicalColumns) - Number(right >= physicalColumns) || expected(right) - expected(left),
  );
  const targets = convex.map(targetOf);
  return {
    convexColumns: Int32Array.from(convex),
    convexWeights: Float64Array.from(convex, (column) => plan.quadratic[column]!),
    convexTargets: Float64Array.from(targets),
    otherColumns: Int32Array.from([...plan.activeColumns].filter((column) => plan.quadratic[column]! <= 0)),
    physicalCount: convex.filter((column) => column < physicalColumns).length,
    constant: convex.reduce((sum, column, at) => sum + plan.quadratic[column]! * targets[at]! ** 2, 0),
  };
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
  const { bonus } = scratch;
  for (const [row, value] of plan.bonuses) bonus[row] = value;
  for (const row of plan.blockedRows) bonus[row] = Number.NEGATIVE_INFINITY;
  try {
    const terms = scanTerms(plan, index.columns);
    const best = scanRows(index, plan, terms, scratch, new TopK(Math.max(1, poolSize)));
    // Scores are reported as the full quadratic form, comparable across queries' terms.
    return best.map((entry) => ({ row: entry.row, score: entry.score + terms.constant - plan.constant }));
  } finally {
    for (const row of plan.bonuses.keys()) bonus[row] = 0;
    for (const row of plan.blockedRows) bonus[row] = 0;
  }
}

function scanRows(
  index: FeatureIndex,
  plan: QueryPlan,
  terms: ScanTerms,
  scratch: ScanScratch,
  best: TopK,
): Array<{ row: number; score: number }> {
  const { standardized, columns, explicit, years, size, profiles, profileOfRow, profileWidth } = index;
  const { quadratic, linear, boundedColumns, lower, upper, forbidExplicit } = plan;
  const { convexColumns, convexWeights, convexTargets, otherColumns } = terms;
  const { bonus } = scratch;
  const usesProfiles =
    convexColumns.some((column) => column >= columns) || otherColumns.some((column) => column >= columns);
  const convexCount = convexColumns.length;
  const physicalCount = terms.physicalCount;
  const otherCount = otherColumns.length;
  const boundedCount = boundedColumns.length;
  const useYear = plan.yearWeight > 0;
  const yearScale = plan.yearWeight / 10;
  let threshold = best.threshold;
  rows: for (let row = 0; row < size; row++) {
    let score = bonus[row]!;
    if (score === Number.NEGATIVE_INFINITY) continue;
    if (forbidExplicit && explicit[row] === 1) continue;
    const base = row * columns;
    // Offset such that profiles[profileBase + column] is the row's value in a virtual column; only
    // read when the query uses the artist profile, to stream one array fewer.
    const profileBase = usesProfiles ? profileOfRow[row]! * profileWidth - columns : 0;
    for (let at = 0; at < boundedCount; at++) {
      const column = boundedColumns[at]!;
      const value = standardized[base + column]!;
      if (value < lower[column]! || value > upper[column]!) continue rows;
    }
    for (let at = 0; at < otherCount; at++) {
      const column = otherColumns[at]!;
      const value = column < columns ? standardized[base + column]! : profiles[profileBase + column]!;
      score -= (quadratic[column]! * value + linear[column]!) * value;
    }
    if (useYear) {
      const year = years[row]!;
      // Unknown years count as a decade away; distance stops mattering past 30 years.
      score -= Number.isNaN(year)
        ? plan.yearWeight
        : Math.min(Math.abs(year - plan.yearTarget), 30) * yearScale;
    }
    // Physical columns first (heaviest first), then the artist profile: no branch inside either loop.
    for (let at = 0; at < physicalCount; at++) {
      const difference = standardized[base + convexColumns[at]!]! - convexTargets[at]!;
      score -= convexWeights[at]! * difference * difference;
      // Penalties only grow: once below the k-th best, the row cannot enter.
      if (score <= threshold) continue rows;
    }
    for (let at = physicalCount; at < convexCount; at++) {
      const difference = profiles[profileBase + convexColumns[at]!]! - convexTargets[at]!;
      score -= convexWeights[at]! * difference * difference;
      if (score <= threshold) continue rows;
    }
    if (score > threshold) {
      best.push(score, row);
      threshold = best.threshold;
    }
  }
  return best.drain();
}
