import type { KnownModel } from '../provider-definition.js';
import type { ProviderRegistry } from '../registry.js';
import type { DeploymentSettings } from './deployment.js';

type Prices = Pick<DeploymentSettings, 'inputPricePerMillion' | 'outputPricePerMillion'>;

/**
 * Prices for a model name from every registered provider's list (a compatible endpoint serving
 * gpt-4o-mini costs what OpenAI lists), also matching dated snapshots ("gpt-4o-mini-2024-07-18").
 */
export function lookupKnownModel(registry: ProviderRegistry, model: string): KnownModel | undefined {
  const lists = [...registry.values()].map((definition) => definition.models);
  for (const models of lists) {
    const exact = models[model];
    if (exact) return exact;
  }
  let best: { name: string; known: KnownModel } | undefined;
  for (const models of lists) {
    for (const [name, known] of Object.entries(models)) {
      if (model.startsWith(`${name}-`) && name.length > (best?.name.length ?? 0)) best = { name, known };
    }
  }
  return best?.known;
}

/** US dollars for a number of tokens at a deployment's per-million prices. */
export function costUsd(prices: Prices, inputTokens: number, outputTokens: number): number {
  return (
    (inputTokens * prices.inputPricePerMillion + outputTokens * prices.outputPricePerMillion) / 1_000_000
  );
}
