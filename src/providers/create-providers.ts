import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ModelRouter } from './contract.js';
import type { Deployment, DeploymentSettings } from './deployments/deployment.js';
import { lastResortSettings, loadDeploymentsConfig } from './deployments/deployments-config.js';
import { lookupKnownModel } from './deployments/pricing.js';
import type { OfflineAnswerTool, OfflineTool } from './offline/index.js';
import { offlineProvider } from './offline/index.js';
import type { ProviderDefinition } from './provider-definition.js';
import { builtInProviders, createProviderRegistry, type ProviderRegistry } from './registry.js';
import { type HealthStore, MemoryHealthStore } from './router/health/index.js';
import { Router, type RouterSettings } from './router/router.js';
import type { RouterMetrics } from './router/router-metrics.js';
import { parseRoutingPolicy, RoutingPolicyError } from './router/routing-policy.js';

export interface CreateProvidersOptions {
  config: Pick<Config, 'PROVIDERS_FILE' | 'ROUTER_POLICY'>;
  logger: Logger;
  /** The recommendation tool as the offline model calls it (chat defines it). */
  offlineTool: OfflineTool;
  /** Tools the offline model calls when the listener's words ask for them (their listening stats). */
  offlineAnswerTools?: readonly OfflineAnswerTool[];
  /** Where quick-setup variables and apiKeyEnv names are read (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** The providers to route over (default: the built-in ones). */
  providers?: readonly ProviderDefinition[];
  /** Where deployment health lives (default: in this process; shared state passes Redis's). */
  health?: HealthStore;
  /** Overrides router tuning (on top of the providers file's `router` section). */
  routerSettings?: Partial<RouterSettings>;
  /** Where routing decisions and attempts are counted (the service's metrics). */
  routerMetrics?: RouterMetrics;
}

export interface Providers {
  router: ModelRouter;
  deployments: Deployment[];
  /** Stops the router's background work. */
  close(): Promise<void>;
}

/** The offline deployment on its own (tests, benchmarks). */
export function offlineDeployment(tool: OfflineTool): Deployment {
  const definition = offlineProvider(tool);
  const settings = lastResortSettings(definition);
  return { ...settings, languageModel: definition.create(settings, { apiKey: undefined }) };
}

function buildDeployment(
  settings: DeploymentSettings,
  registry: ProviderRegistry,
  env: Record<string, string | undefined>,
): Deployment {
  const provider = registry.get(settings.provider);
  if (!provider) throw new ConfigError(`deployment ${settings.id}: unknown provider ${settings.provider}`);
  const apiKey = settings.apiKeyEnv ? env[settings.apiKeyEnv] || undefined : undefined;
  if (settings.apiKeyEnv && !apiKey && provider.capabilities.apiKey) {
    throw new ConfigError(`deployment ${settings.id}: apiKeyEnv ${settings.apiKeyEnv} is not set`);
  }
  return { ...settings, languageModel: provider.create(settings, { apiKey }) };
}

function policyFrom(text: string): ReturnType<typeof parseRoutingPolicy> {
  try {
    return parseRoutingPolicy(text);
  } catch (error) {
    if (error instanceof RoutingPolicyError) throw new ConfigError(error.message);
    throw error;
  }
}

function warnAboutUnpricedModels(deployments: Deployment[], registry: ProviderRegistry, logger: Logger) {
  for (const deployment of deployments) {
    const free = deployment.inputPricePerMillion === 0 && deployment.outputPricePerMillion === 0;
    const metered = registry.get(deployment.provider)?.capabilities.metered ?? true;
    if (free && metered && !lookupKnownModel(registry, deployment.model)) {
      logger.warn(
        { deploymentId: deployment.id, model: deployment.model },
        'no known price for this model: cost-based routing treats it as free (set prices in PROVIDERS_FILE)',
      );
    }
  }
}

/** Builds the configured deployments (offline when none) and the router over them. */
export function createProviders(options: CreateProvidersOptions): Providers {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  const registry = createProviderRegistry(
    options.providers ?? builtInProviders(options.offlineTool, options.offlineAnswerTools),
  );
  const loaded = loadDeploymentsConfig(config, registry, env);
  const policy = policyFrom(config.ROUTER_POLICY);
  const deployments = loaded.deployments.map((settings) => buildDeployment(settings, registry, env));
  const health = options.health ?? new MemoryHealthStore();
  const router = new Router({
    deployments,
    logger,
    policy,
    health,
    settings: { ...loaded.router, ...options.routerSettings },
    metrics: options.routerMetrics,
  });
  warnAboutUnpricedModels(deployments, registry, logger);
  // Settings only: keys are never logged.
  logger.info(
    {
      source: loaded.source,
      policy: policy.name,
      sharedHealth: health.shared,
      deployments: deployments.map(
        ({ id, provider, model, inputPricePerMillion, outputPricePerMillion }) => ({
          id,
          provider,
          model,
          inputPricePerMillion,
          outputPricePerMillion,
        }),
      ),
    },
    'model deployments ready',
  );
  return { router, deployments, close: () => router.close() };
}
