import type { KnownModel } from '../provider-definition.js';

/** OpenAI's list prices (US dollars per million tokens) and context windows. */
export const openAIModels: Readonly<Record<string, KnownModel>> = {
  'gpt-4o-mini': { inputPricePerMillion: 0.15, outputPricePerMillion: 0.6, contextWindow: 128_000 },
  'gpt-4o': { inputPricePerMillion: 2.5, outputPricePerMillion: 10, contextWindow: 128_000 },
  'gpt-4.1': { inputPricePerMillion: 2, outputPricePerMillion: 8, contextWindow: 1_047_576 },
  'gpt-4.1-mini': { inputPricePerMillion: 0.4, outputPricePerMillion: 1.6, contextWindow: 1_047_576 },
  'gpt-4.1-nano': { inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, contextWindow: 1_047_576 },
  'gpt-5': { inputPricePerMillion: 1.25, outputPricePerMillion: 10, contextWindow: 400_000 },
  'gpt-5-mini': { inputPricePerMillion: 0.25, outputPricePerMillion: 2, contextWindow: 400_000 },
  'gpt-5-nano': { inputPricePerMillion: 0.05, outputPricePerMillion: 0.4, contextWindow: 400_000 },
};
