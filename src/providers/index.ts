export type * from './contract.js';
export {
  type CreateProvidersOptions,
  createProviders,
  offlineDeployment,
  type Providers,
} from './create-providers.js';
export type { Deployment, DeploymentSettings } from './deployment.js';
export { OfflineModel, type OfflineModelOptions } from './offline/index.js';
export { Router, type RouterOptions } from './router.js';
