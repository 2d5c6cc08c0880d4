import type { FeatureIndex } from './feature-index.js';
import type { QueryPlan } from './query-plan.js';
import { TopK } from './top-k.js';

/**
 * Rows scored per block. A block's scores and survivor list (24 KB) stay in L1 while the active columns
 * stream through them, so a query reads only the columns its plan uses.
 */
const blockSize = 2048;

/**
 * Per-engine scratch buffers, reused by every scan so a query allocates nothing proportional to the
 * catalog. Scans are synchronous, so one engine never shares them.
 */
export class ScanScratch {
  /** The query's bonuses, one slot per row (zero between scans); −∞ marks a blocked row. */
  readonly bonus: Float32Array;
  /** Scores of the block being scanned (upper bounds until every term is applied). */
  readonly scores = new Float64Array(blockSize);
  /** Block positions still able to enter the top k. */
  readonly alive = new Int32Array(blockSize);

  constructor(size: number) {
    this.bonus = new Float32Array(size);
  }
}

/**
 * One step of scoring, applied only to the rows still in the race. Every term is written as a penalty
 * ≥ 0 (the term minus its smallest possible value), so a row's running score only falls and the row
 * can be dropped as soon as it reaches the k-th best (partial-distance early exit).
 */
type Stage =
  | { kind: 'bound'; column: number; lower: number; upper: number; expected: number }
  | { kind: 'explicit'; expected: number }
  | ColumnStage
  /** All artist-profile terms, summed once per profile (a few thousand) instead of once per row. */
  | { kind: 'profile'; penalties: Float64Array; expected: number }
  | { kind: 'year'; target: number; weight: number; expected: number };

/**
 * (q·z + l)·z + c: the column's term plus c = −(its smallest value) — a·t² at t = −l / 2a when convex,
 * else the smaller of the column's two ends.
 */
interface ColumnStage {
  kind: 'column';
  column: number;
  quadratic: number;
  linear: number;
  offset: number;
  expected: number;
}

interface ScanTerms {
  /** The heaviest column, then the filters, then the largest expected penalty first. */
  stages: Stage[];
  /** Σ of the terms' minimums, which the penalties leave out: true score = running score − floor. */
  floor: number;
}

function scanTerms(index: FeatureIndex, plan: QueryPlan): ScanTerms {
  const stages: Stage[] = [];
  let floor = 0;
  for (const column of plan.boundedColumns) {
    stages.push({
      kind: 'bound',
      column,
      lower: plan.lower[column]!,
      upper: plan.upper[column]!,
      expected: 1e9,
    });
  }
  if (plan.forbidExplicit) stages.push({ kind: 'explicit', expected: 1e9 });
  for (const column of plan.activeColumns) {
    if (column >= index.columns) continue;
    const stage = columnStage(index, plan, column);
    floor -= stage.offset;
    stages.push(stage);
  }
  const virtual = [...plan.activeColumns].filter((column) => column >= index.columns);
  if (virtual.length > 0) {
    const profile = profileStage(index, plan, virtual);
    floor += profile.floor;
    stages.push(profile.stage);
  }
  if (plan.yearWeight > 0) {
    stages.push({
      kind: 'year',
      target: plan.yearTarget,
      weight: plan.yearWeight,
      expected: plan.yearWeight,
    });
  }
  stages.sort((left, right) => right.expected - left.expected);
  // The heaviest column goes first, ahead of the filters: it runs over every row anyway, fused with
  // reading the bonuses, and leaves the filters few rows to test.
  const first = stages.findIndex((stage) => stage.kind === 'column');
  if (first > 0) stages.unshift(...stages.splice(first, 1));
  return { stages, floor };
}

function columnStage(index: FeatureIndex, plan: QueryPlan, column: number): ColumnStage {
  const quadratic = plan.quadratic[column]!;
  const linear = plan.linear[column]!;
  const stage = { kind: 'column', column, quadratic, linear } as const;
  if (quadratic > 0) {
    const target = -linear / (2 * quadratic);
    // z-scores have unit variance, so the expected penalty is a·(1 + t²).
    return { ...stage, offset: quadratic * target * target, expected: quadratic * (1 + target * target) };
  }
  // Linear or concave: the smallest value over the column's range is at one of its ends.
  const at = (value: number) => (quadratic * value + linear) * value;
  const minimum = Math.min(at(index.minimums[column]!), at(index.maximums[column]!));
  return { ...stage, offset: -minimum, expected: quadratic - minimum };
}

function profileStage(
  index: FeatureIndex,
  plan: QueryPlan,
  columns: readonly number[],
): { stage: Stage; floor: number } {
  const { profiles, profileWidth } = index;
  const count = profiles.length / profileWidth;
  const penalties = new Float64Array(count);
  for (const column of columns) {
    const offset = column - index.columns;
    const quadratic = plan.quadratic[column]!;
    const linear = plan.linear[column]!;
    for (let profile = 0; profile < count; profile++) {
      const value = profiles[profile * profileWidth + offset]!;
      penalties[profile]! += (quadratic * value + linear) * value;
    }
  }
  let minimum = count > 0 ? Number.POSITIVE_INFINITY : 0;
  let sum = 0;
  for (let profile = 0; profile < count; profile++) {
    minimum = Math.min(minimum, penalties[profile]!);
    sum += penalties[profile]!;
  }
  for (let profile = 0; profile < count; profile++) penalties[profile]! -= minimum;
  const expected = count > 0 ? sum / count - minimum : 0;
  return { stage: { kind: 'profile', penalties, expected }, floor: minimum };
}

/**
 * One pass over the catalog, block by block: each block starts from the bonuses (the best score a row
 * could still reach), then applies the stages column by column to the rows still above the k-th best;
 * a heap keeps the best `poolSize` rows.
 */
export function scan(
  index: FeatureIndex,
  plan: QueryPlan,
  scratch: ScanScratch,
  poolSize: number,
): Array<{ row: number; score: number }> {
  const { bonus } = scratch;
  for (const [row, value] of plan.bonuses) bonus[row] = value;
  for (const { rows, value } of plan.bonusLists) addToRows(bonus, rows, value);
  for (const row of plan.blockedRows) bonus[row] = Number.NEGATIVE_INFINITY;
  try {
    const terms = scanTerms(index, plan);
    const best = new TopK(Math.max(1, poolSize));
    for (let start = 0; start < index.size; start += blockSize) {
      scanBlock(index, terms, scratch, start, Math.min(index.size, start + blockSize) - start, best);
    }
    // Scores are reported as the full quadratic form, comparable across queries' terms.
    return best
      .drain()
      .map((entry) => ({ row: entry.row, score: entry.score - terms.floor - plan.constant }));
  } finally {
    for (const row of plan.bonuses.keys()) bonus[row] = 0;
    for (const { rows } of plan.bonusLists) for (let at = 0; at < rows.length; at++) bonus[rows[at]!] = 0;
    for (const row of plan.blockedRows) bonus[row] = 0;
  }
}

function scanBlock(
  index: FeatureIndex,
  terms: ScanTerms,
  scratch: ScanScratch,
  start: number,
  count: number,
  best: TopK,
): void {
  // The heap's threshold only rises, so one read per block is a safe (lower) bound.
  const threshold = best.threshold;
  const first = terms.stages[0];
  const fused = first?.kind === 'column';
  let survivors = fused
    ? firstColumn(index.columnData[first.column]!, first, scratch, start, count, threshold)
    : seedBlock(scratch, start, count, threshold);
  for (let at = fused ? 1 : 0; at < terms.stages.length && survivors > 0; at++) {
    survivors = applyStage(index, terms.stages[at]!, scratch, start, survivors, threshold);
  }
  keepBest(scratch, survivors, start, best);
}

function addToRows(bonus: Float32Array, rows: Int32Array, value: number): void {
  for (let at = 0; at < rows.length; at++) bonus[rows[at]!]! += value;
}

/** The first column's penalty fused with reading the bonuses: one pass over every row of the block. */
function firstColumn(
  values: Float32Array,
  stage: ColumnStage,
  scratch: ScanScratch,
  start: number,
  count: number,
  threshold: number,
): number {
  const { scores, alive, bonus } = scratch;
  const { quadratic, linear, offset } = stage;
  let survivors = 0;
  for (let at = 0; at < count; at++) {
    const value = values[start + at]!;
    const score = bonus[start + at]! - ((quadratic * value + linear) * value + offset);
    scores[at] = score;
    alive[survivors] = at;
    survivors += Number(score > threshold);
  }
  return survivors;
}

/** Scores start at the bonus; rows at or below the threshold (blocked ones: −∞) never enter the list. */
function seedBlock(scratch: ScanScratch, start: number, count: number, threshold: number): number {
  const { scores, alive, bonus } = scratch;
  let survivors = 0;
  for (let at = 0; at < count; at++) {
    const score = bonus[start + at]!;
    scores[at] = score;
    alive[survivors] = at;
    // Branch-free compaction (a 0/1 add, not a ternary, which V8 compiles to a branch that mispredicts):
    // the slot is overwritten unless the row survives.
    survivors += Number(score > threshold);
  }
  return survivors;
}

function applyStage(
  index: FeatureIndex,
  stage: Stage,
  scratch: ScanScratch,
  start: number,
  survivors: number,
  threshold: number,
): number {
  switch (stage.kind) {
    case 'column':
      return applyColumn(index.columnData[stage.column]!, stage, scratch, start, survivors, threshold);
    case 'profile':
      return applyProfile(index.profileOfRow, stage.penalties, scratch, start, survivors, threshold);
    case 'year':
      return applyYear(index.years, stage.target, stage.weight, scratch, start, survivors, threshold);
    case 'bound':
      return applyBound(index.columnData[stage.column]!, stage.lower, stage.upper, scratch, start, survivors);
    case 'explicit':
      return applyExplicit(index.explicit, scratch, start, survivors);
  }
}

function applyColumn(
  values: Float32Array,
  stage: ColumnStage,
  scratch: ScanScratch,
  start: number,
  survivors: number,
  threshold: number,
): number {
  const { scores, alive } = scratch;
  const { quadratic, linear, offset } = stage;
  let kept = 0;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    const value = values[start + position]!;
    const score = scores[position]! - ((quadratic * value + linear) * value + offset);
    scores[position] = score;
    alive[kept] = position;
    kept += Number(score > threshold);
  }
  return kept;
}

function applyProfile(
  profileOfRow: Int32Array,
  penalties: Float64Array,
  scratch: ScanScratch,
  start: number,
  survivors: number,
  threshold: number,
): number {
  const { scores, alive } = scratch;
  let kept = 0;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    const score = scores[position]! - penalties[profileOfRow[start + position]!]!;
    scores[position] = score;
    alive[kept] = position;
    kept += Number(score > threshold);
  }
  return kept;
}

function applyYear(
  years: Float32Array,
  target: number,
  weight: number,
  scratch: ScanScratch,
  start: number,
  survivors: number,
  threshold: number,
): number {
  const { scores, alive } = scratch;
  const scale = weight / 10;
  let kept = 0;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    const year = years[start + position]!;
    // Unknown years count as a decade away; distance stops mattering past 30 years.
    const penalty = Number.isNaN(year) ? weight : Math.min(Math.abs(year - target), 30) * scale;
    const score = scores[position]! - penalty;
    scores[position] = score;
    alive[kept] = position;
    kept += Number(score > threshold);
  }
  return kept;
}

function applyBound(
  values: Float32Array,
  lower: number,
  upper: number,
  scratch: ScanScratch,
  start: number,
  survivors: number,
): number {
  const { alive } = scratch;
  let kept = 0;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    const value = values[start + position]!;
    alive[kept] = position;
    kept += Number(value >= lower) & Number(value <= upper);
  }
  return kept;
}

function applyExplicit(explicit: Int8Array, scratch: ScanScratch, start: number, survivors: number): number {
  const { alive } = scratch;
  let kept = 0;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    alive[kept] = position;
    kept += Number(explicit[start + position] !== 1);
  }
  return kept;
}

/** Offers the survivors to the heap; the threshold rises as it fills. */
function keepBest(scratch: ScanScratch, survivors: number, start: number, best: TopK): void {
  const { scores, alive } = scratch;
  let threshold = best.threshold;
  for (let at = 0; at < survivors; at++) {
    const position = alive[at]!;
    const score = scores[position]!;
    if (score > threshold) {
      best.push(score, start + position);
      threshold = best.threshold;
    }
  }
}
