import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ModelRouter } from './contract.js';
import { type Deployment, fallbackTag } from './deployment.js';
import { OfflineModel } from './offline/index.js';
import { Router } from './router.js';

export interface CreateProvidersOptions {
  config: Config;
  logger: Logger;
  /** The recommendation engine's intent reader, used by the offline model. */
  extractIntent: (text: string) => Record<string, unknown>;
}

export interface Providers {
  router: ModelRouter;
  deployments: Deployment[];
}

export function offlineDeployment(extractIntent: (text: string) => Record<string, unknown>): Deployment {
  return {
    id: 'offline',
    provider: 'offline',
    model: 'offline-intent-v1',
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    contextWindow: 1_000_000,
    weight: 1,
    tags: [fallbackTag],
    languageModel: new OfflineModel({ extractIntent }),
  };
}

/** Builds the deployments the configuration names (offline when none) and the router over them. */
export function createProviders(options: CreateProvidersOptions): Providers {
  const deployments = [offlineDeployment(options.extractIntent)];
  options.logger.info(
    { deployments: deployments.map((deployment) => deployment.id) },
    'model deployments ready',
  );
  return { router: new Router({ deployments, logger: options.logger }), deployments };
}
