export { RedisHealthStore, type RedisHealthStoreOptions } from './redis-health-store.js';
export {
  createSharedState,
  type RateLimiterSettings,
  type SharedState,
  type SharedStateOptions,
  type SocketAdapterFactory,
} from './shared-state.js';
