export type * from './contract.js';
export {
  type CreateProvidersOptions,
  createProviders,
  offlineDeployment,
  type Providers,
} from './create-providers.js';
export type { Deployment, DeploymentSettings } from './deployment.js';
export { loadDeploymentsConfig, parseProvidersFile } from './deployments-config.js';
export { type HealthStore, MemoryHealthStore, RedisHealthStore } from './health/index.js';
export { OfflineModel, type OfflineModelOptions } from './offline/index.js';
export { costUsd, knownModels } from './pricing.js';
export { providerNames, providerRegistry } from './registry.js';
export { defaultRouterSettings, Router, type RouterOptions, type RouterSettings } from './router.js';
export { parseRoutingPolicy, type RoutingPolicy } from './routing-policy.js';
