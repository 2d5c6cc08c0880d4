/**
 * How a similarity model reads a track: each raw input (an attribute or the year) becomes two numbers,
 * its z-score and its quantile mapped to a normal score. Both use figures fitted on the training
 * catalog and stored with the model, so a track's inputs depend on its own values alone and the model
 * transfers to any catalog. Ties map to one value (a rank that broke ties by row order would leak the
 * file order, which follows the playlists, into the inputs).
 */
export interface InputNormalization {
  means: number[];
  deviations: number[];
  /** Per input, the values at probabilities 0, 1/(n−1), …, 1 of the training catalog. */
  quantiles: number[][];
}

const knotCount = 65;
/** Quantiles are clamped here: the tails of a finite sample say little. */
const tail = 0.005;

/** Fits the normalization on raw input columns (one array of values per input). */
export function fitInputs(columns: readonly ArrayLike<number>[]): InputNormalization {
  const means: number[] = [];
  const deviations: number[] = [];
  const quantiles: number[][] = [];
  for (const column of columns) {
    const values = Float64Array.from(column).sort();
    const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length);
    means.push(mean);
    deviations.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
    quantiles.push(
      Array.from({ length: knotCount }, (_, at) =>
        values.length === 0 ? 0 : values[Math.round((at / (knotCount - 1)) * (values.length - 1))]!,
      ),
    );
  }
  return { means, deviations, quantiles };
}

/** The model's input vector for one track's raw values: z-scores, then normal scores. */
export function normalizeInto(
  normalization: InputNormalization,
  raw: ArrayLike<number>,
  into: Float64Array,
): void {
  const count = normalization.means.length;
  for (let input = 0; input < count; input++) {
    const value = raw[input]!;
    into[input] = (value - normalization.means[input]!) / normalization.deviations[input]!;
    into[count + input] = normalScore(quantileOf(normalization.quantiles[input]!, value));
  }
}

/**
 * Where a value falls in the fitted quantiles, in [0, 1]: interpolated between knots, and the middle
 * of a run of equal knots (a value many tracks share, like mode 1, sits at the centre of its mass).
 */
export function quantileOf(knots: readonly number[], value: number): number {
  const last = knots.length - 1;
  if (value < knots[0]!) return 0;
  if (value > knots[last]!) return 1;
  let low = 0;
  while (low < last && knots[low + 1]! < value) low++;
  if (knots[low + 1] === value || knots[low] === value) {
    let first = knots[low] === value ? low : low + 1;
    while (first > 0 && knots[first - 1] === value) first--;
    let end = first;
    while (end < last && knots[end + 1] === value) end++;
    return (first + end) / 2 / last;
  }
  const span = knots[low + 1]! - knots[low]!;
  return (low + (span > 0 ? (value - knots[low]!) / span : 0.5)) / last;
}

/** The standard normal quantile of p (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalScore(probability: number): number {
  const p = Math.min(1 - tail, Math.max(tail, probability));
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail || p > 1 - lowTail) {
    const q = Math.sqrt(-2 * Math.log(p < lowTail ? p : 1 - p));
    const x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lowTail ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
