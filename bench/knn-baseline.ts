import type { FeatureIndex } from '../src/recommend/feature-index.js';

/** The 9 audio features of plain kNN: acousticness … loudness, the index's first columns. */
export const audioColumns = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** Plain kNN: equal-weight Euclidean distance to the seeds' mean over z-scored columns (seeds excluded). */
export function nearestToCentroid(
  index: FeatureIndex,
  seeds: readonly number[],
  columns: readonly number[],
  limit: number,
): number[] {
  const { columnData } = index;
  const center = columns.map(
    (column) => seeds.reduce((sum, row) => sum + columnData[column]![row]!, 0) / seeds.length,
  );
  return closestRows(index.size, seeds, limit, (row) =>
    columns.reduce((sum, column, at) => sum + (columnData[column]![row]! - center[at]!) ** 2, 0),
  );
}

/** The `limit` rows of smallest distance, seeds excluded. */
export function closestRows(
  size: number,
  seeds: readonly number[],
  limit: number,
  distance: (row: number) => number,
): number[] {
  const scored: Array<[number, number]> = [];
  for (let row = 0; row < size; row++) if (!seeds.includes(row)) scored.push([distance(row), row]);
  scored.sort((left, right) => left[0] - right[0]);
  return scored.slice(0, limit).map(([, row]) => row);
}
