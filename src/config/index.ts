export { type Config, ConfigError, configSchema, loadConfig } from './config.js';
export type { TrustProxy } from './trust-proxy.js';
