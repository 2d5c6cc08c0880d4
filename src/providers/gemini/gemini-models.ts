import type { KnownModel } from '../provider-definition.js';

/** Google's list prices for Gemini (US dollars per million tokens) and context windows. */
export const geminiModels: Readonly<Record<string, KnownModel>> = {
  'gemini-2.5-flash': { inputPricePerMillion: 0.3, outputPricePerMillion: 2.5, contextWindow: 1_048_576 },
  'gemini-2.5-flash-lite': {
    inputPricePerMillion: 0.1,
    outputPricePerMillion: 0.4,
    contextWindow: 1_048_576,
  },
  'gemini-2.5-pro': { inputPricePerMillion: 1.25, outputPricePerMillion: 10, contextWindow: 1_048_576 },
  'gemini-2.0-flash': { inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, contextWindow: 1_048_576 },
};
