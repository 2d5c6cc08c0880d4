export { type CircuitReading, METRIC_PREFIX } from './metric-set.js';
export { createServiceMetrics, type ServiceMetrics, type ServiceMetricsOptions } from './service-metrics.js';
