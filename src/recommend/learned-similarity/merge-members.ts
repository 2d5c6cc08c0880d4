import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Embedder, type Layer, roundWeight, type SimilarityModel } from './similarity-model.js';

/** One trained network: its hidden and output layers. */
export interface Member {
  hidden: Layer;
  output: Layer;
}

/**
 * Merges networks trained alike from different seeds into one of the same output width: their
 * embeddings of the training tracks, each scaled to unit mean variance, are concatenated and
 * projected onto their principal axes. The projection is linear, so it folds into one output layer
 * over all members' hidden units: the engine scans as many columns as for one member, and distances
 * average what the members agree on instead of one seed's quirks.
 */
export function mergeMembers(
  members: readonly Member[],
  model: Pick<SimilarityModel, 'normalization'>,
  columns: readonly ArrayLike<number>[],
): Member {
  const width = members[0]!.output.units;
  const total = members.length * width;
  const count = columns[0]?.length ?? 0;
  const embeddings = new Matrix(count, total);
  const raw = new Float64Array(columns.length);
  const point = new Float64Array(width);
  members.forEach((member, at) => {
    const embedder = new Embedder({ normalization: model.normalization, ...member });
    for (let track = 0; track < count; track++) {
      for (let input = 0; input < columns.length; input++) raw[input] = columns[input]![track]!;
      embedder.embed(raw, point);
      for (let unit = 0; unit < width; unit++) embeddings.set(track, at * width + unit, point[unit]!);
    }
  });
  const variances = embeddings.variance('column', { unbiased: false });
  const scales = members.map((_, at) => {
    const mean = variances.slice(at * width, (at + 1) * width).reduce((sum, value) => sum + value, 0) / width;
    return 1 / Math.sqrt(mean || 1);
  });
  for (let column = 0; column < total; column++)
    embeddings.mulColumn(column, scales[Math.floor(column / width)]!);
  const axes = principalAxes(embeddings, width);
  return foldProjection(members, scales, axes);
}

/** The `count` directions of largest variance, one per row, largest first. */
function principalAxes(data: Matrix, count: number): Matrix {
  const centered = data.clone().center('column');
  const covariance = centered
    .transpose()
    .mmul(centered)
    .div(Math.max(1, data.rows - 1));
  const decomposition = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const order = decomposition.realEigenvalues
    .map((value, at) => [value, at] as const)
    .sort((left, right) => right[0] - left[0])
    .slice(0, count);
  const vectors = decomposition.eigenvectorMatrix;
  const axes = new Matrix(count, data.columns);
  order.forEach(([, at], row) => {
    for (let column = 0; column < data.columns; column++) axes.set(row, column, vectors.get(column, at));
  });
  return axes;
}

/** output'(h₁ … h_k) = axes · [s₁(W₁h₁ + b₁); …; s_k(W_k h_k + b_k)], written as one layer. */
function foldProjection(members: readonly Member[], scales: readonly number[], axes: Matrix): Member {
  const width = members[0]!.output.units;
  const hiddenUnits = members.reduce((sum, member) => sum + member.hidden.units, 0);
  const weights = new Array<number>(axes.rows * hiddenUnits).fill(0);
  const bias = new Array<number>(axes.rows).fill(0);
  for (let unit = 0; unit < axes.rows; unit++) {
    let offset = 0;
    members.forEach((member, at) => {
      const { output } = member;
      for (let embedded = 0; embedded < width; embedded++) {
        const factor = axes.get(unit, at * width + embedded) * scales[at]!;
        bias[unit]! += factor * output.bias[embedded]!;
        for (let hidden = 0; hidden < output.inputs; hidden++) {
          weights[unit * hiddenUnits + offset + hidden]! +=
            factor * output.weights[embedded * output.inputs + hidden]!;
        }
      }
      offset += output.inputs;
    });
  }
  const first = members[0]!.hidden;
  return {
    hidden: {
      units: hiddenUnits,
      inputs: first.inputs,
      weights: members.flatMap((member) => member.hidden.weights),
      bias: members.flatMap((member) => member.hidden.bias),
    },
    output: {
      units: axes.rows,
      inputs: hiddenUnits,
      weights: weights.map(roundWeight),
      bias: bias.map(roundWeight),
    },
  };
}
