import { z } from 'zod';
import { type InputNormalization, normalizeInto } from './model-inputs.js';

/**
 * A similarity learned from playlists: a small network (inputs → tanh hidden layer → embedding) that
 * maps a track's raw attributes to a point where tracks that share playlists lie close. The engine
 * measures sound similarity as squared distance between these points.
 */
export interface SimilarityModel {
  /** Raw inputs in order: attribute names, and `year` for the release year. */
  inputs: string[];
  normalization: InputNormalization;
  hidden: Layer;
  output: Layer;
  /** How the weights were learned (shown by the CLI and the docs). */
  trainedOn: { playlists: number; tracks: number; steps: number; members?: number; loss: number };
}

/** A dense layer: `weights` is row-major, one row of `inputs` numbers per unit. */
export interface Layer {
  units: number;
  inputs: number;
  weights: number[];
  bias: number[];
}

const layerSchema = z
  .object({
    units: z.number().int().min(1).max(1024),
    inputs: z.number().int().min(1).max(1024),
    weights: z.array(z.number()),
    bias: z.array(z.number()),
  })
  .refine((layer) => layer.weights.length === layer.units * layer.inputs, {
    message: 'weights must hold units × inputs numbers',
    path: ['weights'],
  })
  .refine((layer) => layer.bias.length === layer.units, {
    message: 'bias must hold one number per unit',
    path: ['bias'],
  });

export const similarityModelSchema = z
  .object({
    inputs: z.array(z.string().min(1)).min(1),
    normalization: z.object({
      means: z.array(z.number()),
      deviations: z.array(z.number().positive()),
      quantiles: z.array(z.array(z.number()).min(2)),
    }),
    hidden: layerSchema,
    output: layerSchema,
    trainedOn: z.object({
      playlists: z.number().int().min(0),
      tracks: z.number().int().min(0),
      steps: z.number().int().min(0),
      /** Networks merged into this one (merge-members.ts); absent in files of a single network. */
      members: z.number().int().min(1).optional(),
      loss: z.number(),
    }),
  })
  .refine(
    (model) =>
      model.normalization.means.length === model.inputs.length &&
      model.normalization.deviations.length === model.inputs.length &&
      model.normalization.quantiles.length === model.inputs.length,
    { message: 'normalization must describe every input', path: ['normalization'] },
  )
  .refine((model) => model.hidden.inputs === 2 * model.inputs.length, {
    message: 'the hidden layer reads two numbers per input',
    path: ['hidden', 'inputs'],
  })
  .refine((model) => model.output.inputs === model.hidden.units, {
    message: 'the output layer reads the hidden units',
    path: ['output', 'inputs'],
  });

/** Embedding width of every model the engine loads: the feature index reserves this many columns. */
export const embeddingWidth = 16;

/** Six significant digits: model files stay small and diffs stay readable. */
export function roundWeight(value: number): number {
  return Number(value.toPrecision(6));
}

/** Reusable buffers for embedding one track after another without allocating. */
export class Embedder {
  readonly #model: Pick<SimilarityModel, 'normalization' | 'hidden' | 'output'>;
  readonly #input: Float64Array;
  readonly #hidden: Float64Array;

  constructor(model: Pick<SimilarityModel, 'normalization' | 'hidden' | 'output'>) {
    this.#model = model;
    this.#input = new Float64Array(model.hidden.inputs);
    this.#hidden = new Float64Array(model.hidden.units);
  }

  /** Writes the embedding of one track's raw inputs into `into` (output.units numbers). */
  embed(raw: ArrayLike<number>, into: Float64Array): void {
    const { hidden, output, normalization } = this.#model;
    normalizeInto(normalization, raw, this.#input);
    dense(hidden, this.#input, this.#hidden);
    for (let unit = 0; unit < hidden.units; unit++) this.#hidden[unit] = Math.tanh(this.#hidden[unit]!);
    dense(output, this.#hidden, into);
  }
}

function dense(layer: Layer, input: Float64Array, into: Float64Array): void {
  const { weights, bias, inputs } = layer;
  for (let unit = 0; unit < layer.units; unit++) {
    let sum = bias[unit]!;
    const offset = unit * inputs;
    for (let at = 0; at < inputs; at++) sum += weights[offset + at]! * input[at]!;
    into[unit] = sum;
  }
}
