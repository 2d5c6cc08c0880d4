import type { DeploymentSettings } from './deployment.js';

type Prices = Pick<DeploymentSettings, 'inputPricePerMillion' | 'outputPricePerMillion'>;

/** US dollars for a number of tokens at a deployment's per-million prices. */
export function costUsd(prices: Prices, inputTokens: number, outputTokens: number): number {
  return (
    (inputTokens * prices.inputPricePerMillion + outputTokens * prices.outputPricePerMillion) / 1_000_000
  );
}
