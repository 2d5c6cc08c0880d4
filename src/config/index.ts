export { type Config, ConfigError, configSchema, loadConfig } from './config.js';
export { secretValues } from './secret-values.js';
export type { TrustProxy } from './trust-proxy.js';
