import { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ModelRouter } from './contract.js';
import type { Deployment, DeploymentSettings } from './deployments/deployment.js';
import { loadDeploymentsConfig, offlineSettings } from './deployments/deployments-config.js';
import { lookupKnownModel } from './deployments/pricing.js';
import { OfflineModel } from './offline/index.js';
import { providerRegistry } from './registry.js';
import { type HealthStore, MemoryHealthStore, RedisHealthStore } from './router/health/index.js';
import { Router, type RouterSettings } from './router/router.js';
import { parseRoutingPolicy, RoutingPolicyError } from './router/routing-policy.js';

export interface CreateProvidersOptions {
  config: Config;
  logger: Logger;
  /** The recommendation engine's intent reader, used by the offline model. */
  extractIntent: (text: string) => Record<string, unknown>;
  /** Where apiKeyEnv names are looked up (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Overrides the health store (default: Redis when REDIS_URL is set, else in memory). */
  health?: HealthStore;
  /** Overrides router tuning (on top of the providers file's `router` section). */
  routerSettings?: Partial<RouterSettings>;
}

export interface Providers {
  router: ModelRouter;
  deployments: Deployment[];
  /** Closes what the providers opened (the Redis connection of shared health). */
  close(): Promise<void>;
}

export function offlineDeployment(extractIntent: (text: string) => Record<string, unknown>): Deployment {
  return { ...offlineSettings(), languageModel: new OfflineModel({ extractIntent }) };
}

function keyFor(settings: DeploymentSettings, config: Config, env: Record<string, string | undefined>) {
  if (!settings.apiKeyEnv) return undefined;
  const fromConfig = (config as Record<string, unknown>)[settings.apiKeyEnv];
  return typeof fromConfig === 'string' && fromConfig ? fromConfig : env[settings.apiKeyEnv] || undefined;
}

function buildDeployment(settings: DeploymentSettings, options: CreateProvidersOptions): Deployment {
  const provider = providerRegistry.get(settings.provider);
  if (!provider) throw new ConfigError(`deployment ${settings.id}: unknown provider ${settings.provider}`);
  const apiKey = keyFor(settings, options.config, options.env ?? process.env);
  if (settings.apiKeyEnv && !apiKey && provider.defaultApiKeyEnv) {
    throw new ConfigError(`deployment ${settings.id}: apiKeyEnv ${settings.apiKeyEnv} is not set`);
  }
  return {
    ...settings,
    languageModel: provider.create(settings, { apiKey, extractIntent: options.extractIntent }),
  };
}

function redisHealth(url: string, logger: Logger): RedisHealthStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  // ioredis reconnects by itself; without a listener its errors would be printed unformatted.
  redis.on('error', (error: Error) =>
    logger.warn({ error: error.message }, 'provider health store: redis error'),
  );
  return new RedisHealthStore({ redis });
}

/** Builds the configured deployments (offline when none), the health store and the router over them. */
export function createProviders(options: CreateProvidersOptions): Providers {
  const { config, logger } = options;
  const loaded = loadDeploymentsConfig(config);
  let policy: ReturnType<typeof parseRoutingPolicy>;
  try {
    policy = parseRoutingPolicy(config.ROUTER_POLICY);
  } catch (error) {
    if (error instanceof RoutingPolicyError) throw new ConfigError(error.message);
    throw error;
  }
  const deployments = loaded.deployments.map((settings) => buildDeployment(settings, options));
  const health =
    options.health ?? (config.REDIS_URL ? redisHealth(config.REDIS_URL, logger) : new MemoryHealthStore());
  const router = new Router({
    deployments,
    logger,
    policy,
    health,
    settings: { ...loaded.router, ...options.routerSettings },
  });
  for (const deployment of deployments) {
    const free = deployment.inputPricePerMillion === 0 && deployment.outputPricePerMillion === 0;
    if (free && deployment.provider !== 'offline' && !lookupKnownModel(deployment.model)) {
      logger.warn(
        { deploymentId: deployment.id, model: deployment.model },
        'no known price for this model: cost-based routing treats it as free (set prices in PROVIDERS_FILE)',
      );
    }
  }
  // Settings only: keys are never logged.
  logger.info(
    {
      source: loaded.source,
      policy: policy.name,
      sharedHealth: health instanceof RedisHealthStore,
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
