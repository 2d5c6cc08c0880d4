export type * from './contract.js';
export {
  type CreateProvidersOptions,
  createProviders,
  offlineDeployment,
  type Providers,
} from './create-providers.js';
export type { Deployment, DeploymentSettings } from './deployments/deployment.js';
export { loadDeploymentsConfig, parseProvidersFile } from './deployments/deployments-config.js';
export {
  type OfflineAnswerTool,
  type OfflineConversation,
  OfflineModel,
  type OfflineModelOptions,
  type OfflineTool,
  type RecommendedTrackSummary,
} from './offline/index.js';
export type { KnownModel, ProviderDefinition } from './provider-definition.js';
export { requireKey } from './provider-definition.js';
export { builtInProviders, createProviderRegistry, type ProviderRegistry } from './registry.js';
export {
  emptyHealthRecord,
  type HealthRecord,
  type HealthStore,
  MemoryHealthStore,
} from './router/health/index.js';
export { Router, type RouterSettings } from './router/router.js';
export type { RouteCause, RouteDecision, RouterMetrics } from './router/router-metrics.js';
export { parseRoutingPolicy, type RoutingPolicy } from './router/routing-policy.js';
