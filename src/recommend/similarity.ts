import {
  artistProfileColumns,
  attributeColumn,
  type FeatureIndex,
  valueAt,
  yearColumn,
} from './feature-index.js';
import type { TunableAttribute } from './query.js';

/**
 * How much each attribute counts when two tracks are compared (seed and taste centroids, nearest seed,
 * MMR). Key and popularity say little about how a track sounds, so they do not count.
 */
const similarityWeightByAttribute: Partial<Record<TunableAttribute, number>> = {
  danceability: 1,
  energy: 1,
  valence: 1,
  acousticness: 1,
  tempo: 0.7,
  instrumentalness: 0.7,
  speechiness: 0.7,
  loudness: 0.6,
  liveness: 0.3,
  duration_ms: 0.2,
  mode: 0.2,
};

export const similarityColumns = Int32Array.from(
  Object.keys(similarityWeightByAttribute).map((name) => attributeColumn.get(name as TunableAttribute)!),
);
export const similarityWeights = Float64Array.from(
  Object.values(similarityWeightByAttribute).map((weight) => weight ?? 0),
);
/** Columns that describe the artist and era rather than the sound (see feature-index.ts). */
export const profileColumns = Int32Array.from([yearColumn, ...artistProfileColumns]);
const similarityTotal = similarityWeights.reduce((sum, weight) => sum + weight, 0);

/** Weighted mean squared z-distance between two rows over the similarity columns. */
export function rowDistance(index: FeatureIndex, left: number, right: number): number {
  let sum = 0;
  for (let at = 0; at < similarityColumns.length; at++) {
    const values = index.columnData[similarityColumns[at]!]!;
    const difference = values[left]! - values[right]!;
    sum += similarityWeights[at]! * difference * difference;
  }
  return sum / similarityTotal;
}

/** Weighted mean squared z-distance between a row and a point given per column (NaN columns skipped). */
export function pointDistance(index: FeatureIndex, row: number, point: Float64Array): number {
  let sum = 0;
  let weights = 0;
  for (let at = 0; at < similarityColumns.length; at++) {
    const column = similarityColumns[at]!;
    const target = point[column]!;
    if (Number.isNaN(target)) continue;
    const difference = index.columnData[column]![row]! - target;
    sum += similarityWeights[at]! * difference * difference;
    weights += similarityWeights[at]!;
  }
  return weights > 0 ? sum / weights : 0;
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
