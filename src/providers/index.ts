export type * from './contract.js';
export {
  type CreateProvidersOptions,
  createProviders,
  offlineDeployment,
  type Providers,
} from './create-providers.js';
export type { Deployment, DeploymentSettings } from './deployments/deployment.js';
export { loadDeploymentsConfig, parseProvidersFile } from './deployments/deployments-config.js';
export { costUsd, knownModels } from './deployments/pricing.js';
export { OfflineModel, type OfflineModelOptions } from './offline/index.js';
export { providerNames, providerRegistry } from './registry.js';
export { type HealthStore, MemoryHealthStore, RedisHealthStore } from './router/health/index.js';
export { defaultRouterSettings, Router, type RouterOptions, type RouterSettings } from './router/router.js';
export { parseRoutingPolicy, type RoutingPolicy } from './router/routing-policy.js';
