import { collectDefaultMetrics, Registry } from 'prom-client';
import type { TurnMetrics } from '../chat/index.js';
import type { GatewayMetrics, SocketCensus } from '../gateway/index.js';
import type { ImportMetrics } from '../listening/index.js';
import type { RouterMetrics } from '../providers/index.js';
import type { RecommendTimer } from '../recommend/index.js';
import type { StoreTimer } from '../store/index.js';
import { type CircuitReading, createMetricSet, METRIC_PREFIX, type MetricSet } from './metric-set.js';

/**
 * One instance's metrics: a registry of its own (several services in one test process never collide),
 * and for each part of the service the narrow recorder it is handed, so no module but this one knows
 * prom-client.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly turns: TurnMetrics;
  readonly router: RouterMetrics;
  readonly store: StoreTimer;
  readonly recommend: RecommendTimer;
  readonly imports: ImportMetrics;
  readonly gateway: GatewayMetrics;
  /** The circuit-state gauge reads `read` at each scrape (the router exists after the metrics). */
  watchCircuits(read: () => readonly CircuitReading[]): void;
  /** The running-turns gauge reads `read` at each scrape (chat exists after the metrics). */
  watchTurns(read: () => number): void;
}

export interface ServiceMetricsOptions {
  /** Sampling resolution of the event-loop delay histogram, in milliseconds (prom-client's default 10). */
  eventLoopResolutionMs?: number;
}

const noSockets: SocketCensus = { connected: 0, sessionRooms: 0, userRooms: 0 };
const outcomeOf = (failed: boolean) => (failed ? 'error' : 'ok');
/** Labels for a turn that ended before any deployment was picked (e.g. budget or store failures). */
const unrouted = (value: string) => value || 'none';

export function createServiceMetrics(options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  let circuits: () => readonly CircuitReading[] = () => [];
  let sockets: () => SocketCensus = () => noSockets;
  let turnsRunning = () => 0;
  const set = createMetricSet(registry, {
    circuits: () => circuits(),
    sockets: () => sockets(),
    turnsRunning: () => turnsRunning(),
  });
  // Process CPU, memory, GC and the event-loop delay (echotune_nodejs_eventloop_lag_*), on this registry.
  collectDefaultMetrics({
    register: registry,
    prefix: METRIC_PREFIX,
    eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? 10,
  });
  return {
    registry,
    turns: turnRecorder(set),
    router: routerRecorder(set),
    store: {
      observe: (operation, seconds, failed) =>
        set.storeDuration.observe({ operation, outcome: outcomeOf(failed) }, seconds),
    },
    recommend: {
      observe: (seconds, failed) => set.recommendDuration.observe({ outcome: outcomeOf(failed) }, seconds),
    },
    imports: {
      importStarted: () => set.importsRunning.inc(),
      importEnded(outcome) {
        set.importsRunning.dec();
        set.imports.inc({ outcome });
      },
    },
    gateway: {
      eventReceived: (event) => set.socketEvents.inc({ event }),
      eventRejected: (event, code) => set.socketRejections.inc({ event, code }),
      watchSockets(census) {
        sockets = census;
      },
      async render() {
        return { contentType: registry.contentType, body: await registry.metrics() };
      },
    },
    watchCircuits(read) {
      circuits = read;
    },
    watchTurns(read) {
      turnsRunning = read;
    },
  };
}

function turnRecorder(set: MetricSet): TurnMetrics {
  return {
    turnEnded(report) {
      const labels = { provider: unrouted(report.provider), model: unrouted(report.model) };
      set.turns.inc({ outcome: report.outcome });
      if (report.ttftMs !== null) set.ttft.observe(labels, report.ttftMs / 1000);
      set.turnDuration.observe(labels, report.totalMs / 1000);
    },
  };
}

function routerRecorder(set: MetricSet): RouterMetrics {
  return {
    routed: ({ deploymentId, provider, model, cause }) =>
      set.routerDecisions.inc({ deployment: deploymentId, provider, model, cause }),
    attempted: ({ deploymentId, provider, model, outcome }) =>
      set.providerAttempts.inc({ deployment: deploymentId, provider, model, outcome }),
  };
}
