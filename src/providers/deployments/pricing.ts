import type { DeploymentSettings } from './deployment.js';

type Prices = Pick<DeploymentSettings, 'inputPricePerMillion' | 'outputPricePerMillion'>;

export interface KnownModel extends Prices {
  contextWindow: number;
}

/**
 * List prices (US dollars per million tokens) and context windows of common models, so a quick env
 * setup (just a key) still routes by cost. A PROVIDERS_FILE entry overrides any of these.
 */
export const knownModels: Readonly<Record<string, KnownModel>> = {
  'gpt-4o-mini': { inputPricePerMillion: 0.15, outputPricePerMillion: 0.6, contextWindow: 128_000 },
  'gpt-4o': { inputPricePerMillion: 2.5, outputPricePerMillion: 10, contextWindow: 128_000 },
  'gpt-4.1': { inputPricePerMillion: 2, outputPricePerMillion: 8, contextWindow: 1_047_576 },
  'gpt-4.1-mini': { inputPricePerMillion: 0.4, outputPricePerMillion: 1.6, contextWindow: 1_047_576 },
  'gpt-4.1-nano': { inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, contextWindow: 1_047_576 },
  'gpt-5': { inputPricePerMillion: 1.25, outputPricePerMillion: 10, contextWindow: 400_000 },
  'gpt-5-mini': { inputPricePerMillion: 0.25, outputPricePerMillion: 2, contextWindow: 400_000 },
  'gpt-5-nano': { inputPricePerMillion: 0.05, outputPricePerMillion: 0.4, contextWindow: 400_000 },
  'claude-3-5-haiku-latest': { inputPricePerMillion: 0.8, outputPricePerMillion: 4, contextWindow: 200_000 },
  'claude-haiku-4-5': { inputPricePerMillion: 1, outputPricePerMillion: 5, contextWindow: 200_000 },
  'claude-sonnet-4-5': { inputPricePerMillion: 3, outputPricePerMillion: 15, contextWindow: 200_000 },
  'claude-sonnet-4-0': { inputPricePerMillion: 3, outputPricePerMillion: 15, contextWindow: 200_000 },
  'claude-opus-4-1': { inputPricePerMillion: 15, outputPricePerMillion: 75, contextWindow: 200_000 },
  'gemini-2.5-flash': { inputPricePerMillion: 0.3, outputPricePerMillion: 2.5, contextWindow: 1_048_576 },
  'gemini-2.5-flash-lite': {
    inputPricePerMillion: 0.1,
    outputPricePerMillion: 0.4,
    contextWindow: 1_048_576,
  },
  'gemini-2.5-pro': { inputPricePerMillion: 1.25, outputPricePerMillion: 10, contextWindow: 1_048_576 },
  'gemini-2.0-flash': { inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, contextWindow: 1_048_576 },
};

/** The model each provider's quick env setup uses when *_MODEL is not set. */
export const defaultModels = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-flash',
} as const;

/** Prices for a model name, also matching dated snapshots ("gpt-4o-mini-2024-07-18"). */
export function lookupKnownModel(model: string): KnownModel | undefined {
  const exact = knownModels[model];
  if (exact) return exact;
  const prefix = Object.keys(knownModels)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((left, right) => right.length - left.length)[0];
  return prefix ? knownModels[prefix] : undefined;
}

/** US dollars for a number of tokens at a deployment's per-million prices. */
export function costUsd(prices: Prices, inputTokens: number, outputTokens: number): number {
  return (
    (inputTokens * prices.inputPricePerMillion + outputTokens * prices.outputPricePerMillion) / 1_000_000
  );
}
