export {
  type AttemptReport,
  type BreakerSettings,
  claimProbe,
  defaultBreakerSettings,
  recordAttempt,
} from './circuit-breaker.js';
export {
  type CircuitState,
  circuitState,
  emptyHealthRecord,
  errorRate,
  type HealthRecord,
  isAvailable,
} from './health-record.js';
export type { HealthStore } from './health-store.js';
export { MemoryHealthStore } from './memory-health-store.js';
