import type { KnownModel } from '../provider-definition.js';

/** Anthropic's list prices (US dollars per million tokens) and context windows. */
export const anthropicModels: Readonly<Record<string, KnownModel>> = {
  'claude-3-5-haiku-latest': { inputPricePerMillion: 0.8, outputPricePerMillion: 4, contextWindow: 200_000 },
  'claude-haiku-4-5': { inputPricePerMillion: 1, outputPricePerMillion: 5, contextWindow: 200_000 },
  'claude-sonnet-4-5': { inputPricePerMillion: 3, outputPricePerMillion: 15, contextWindow: 200_000 },
  'claude-sonnet-4-0': { inputPricePerMillion: 3, outputPricePerMillion: 15, contextWindow: 200_000 },
  'claude-opus-4-1': { inputPricePerMillion: 15, outputPricePerMillion: 75, contextWindow: 200_000 },
};
