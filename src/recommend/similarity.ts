import {
  artistProfileColumns,
  type FeatureIndex,
  learnedColumns,
  valueAt,
  yearColumn,
} from './feature-index.js';

/**
 * The columns two tracks are compared on (seed and taste centroids, nearest seed, MMR): the learned
 * similarity space (learned-similarity/), each dimension counting alike. Its distance was learned from
 * which tracks share playlists, so it knows which attributes (and which combinations) matter.
 */
export const similarityColumns = learnedColumns;

/** Columns that describe the artist and era rather than the sound (see feature-index.ts). */
export const profileColumns = Int32Array.from([yearColumn, ...artistProfileColumns]);

/** Mean squared distance between two rows over the similarity columns. */
export function rowDistance(index: FeatureIndex, left: number, right: number): number {
  let sum = 0;
  for (let at = 0; at < similarityColumns.length; at++) {
    const values = index.columnData[similarityColumns[at]!]!;
    const difference = values[left]! - values[right]!;
    sum += difference * difference;
  }
  return sum / similarityColumns.length;
}

/** Mean squared distance between a row and a point given per column, over its similarity columns (NaN skipped). */
export function pointDistance(index: FeatureIndex, row: number, point: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const column of similarityColumns) {
    const target = point[column]!;
    if (Number.isNaN(target)) continue;
    const difference = index.columnData[column]![row]! - target;
    sum += difference * difference;
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/** Mean z-vector of rows (all columns); null for no rows. Optional per-row weights. */
export function centroid(
  index: FeatureIndex,
  rows: readonly number[],
  rowWeights?: readonly number[],
): Float64Array | null {
  if (rows.length === 0) return null;
  const point = new Float64Array(index.width);
  let total = 0;
  rows.forEach((row, at) => {
    const weight = rowWeights?.[at] ?? 1;
    total += weight;
    for (let column = 0; column < index.width; column++)
      point[column]! += weight * valueAt(index, row, column);
  });
  if (total <= 0) return null;
  for (let column = 0; column < index.width; column++) point[column]! /= total;
  return point;
}

/** Mean squared z-distance between two rows' artist profiles (and years). */
export function profileDistance(index: FeatureIndex, left: number, right: number): number {
  let sum = 0;
  for (const column of profileColumns) {
    const difference = valueAt(index, left, column) - valueAt(index, right, column);
    sum += difference * difference;
  }
  return sum / profileColumns.length;
}
