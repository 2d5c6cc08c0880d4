import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** One deployment's circuit, as the router reports it. */
export interface CircuitReading {
  id: string;
  provider: string;
  model: string;
  circuit: 'closed' | 'open' | 'half-open';
}

/** What gauges read at each scrape (the router and the socket namespace, once they exist). */
export interface GaugeSources {
  circuits(): readonly CircuitReading[];
  sockets(): { connected: number; sessionRooms: number; userRooms: number };
  /** Turns running on this instance, those it finishes for an instance that is gone included. */
  turnsRunning(): number;
}

const circuitStates = ['closed', 'open', 'half-open'] as const;

/** Every metric name starts with this, the default Node.js ones included. */
export const METRIC_PREFIX = 'echotune_';

/** Seconds to a first token: an offline reply in milliseconds, a cold hosted model in seconds. */
const ttftBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30];
/** Whole turns, tool calls included: up to the minutes a long reply with retries can take. */
const turnBuckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
/** Store calls: SQLite answers in well under a millisecond, MongoDB over the network in a few. */
const storeBuckets = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A recommendation scans the catalog in a few milliseconds; a store read for taste may add some. */
const recommendBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

/** The service's own metrics, defined once, on one registry (never prom-client's global one). */
export function createMetricSet(registry: Registry, sources: GaugeSources) {
  const registers = [registry];
  return {
    turns: new Counter({
      name: name('turns_total'),
      help: 'Chat turns by how they ended: completed, or the error code (cancelled, provider_error, …)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    turnsRunning: new Gauge({
      name: name('turns_running'),
      help: 'Chat turns running on this instance now (a drain or a kill cuts these)',
      registers,
      collect() {
        this.set(sources.turnsRunning());
      },
    }),
    ttft: new Histogram({
      name: name('turn_ttft_seconds'),
      help: "Time from a turn's start to its first text, by the provider and model that answered",
      labelNames: ['provider', 'model'] as const,
      buckets: ttftBuckets,
      registers,
    }),
    turnDuration: new Histogram({
      name: name('turn_duration_seconds'),
      help: "Time from a turn's start to its end (done or error), by the provider and model that answered",
      labelNames: ['provider', 'model'] as const,
      buckets: turnBuckets,
      registers,
    }),
    routerDecisions: new Counter({
      name: name('router_decisions_total'),
      help: 'Deployments the router picked, and why (policy, exploration, probe, retry, failover, last_resort)',
      labelNames: ['deployment', 'provider', 'model', 'cause'] as const,
      registers,
    }),
    providerAttempts: new Counter({
      name: name('provider_attempts_total'),
      help: 'Attempts on model deployments by outcome (ok, error, cancelled)',
      labelNames: ['deployment', 'provider', 'model', 'outcome'] as const,
      registers,
    }),
    circuitState: new Gauge({
      name: name('provider_circuit_state'),
      help: "1 for each deployment's current circuit state (closed, open, half-open), 0 for the others",
      labelNames: ['deployment', 'provider', 'model', 'state'] as const,
      registers,
      collect() {
        // Deployments come from configuration, so the label set is fixed; reset drops none that matter.
        this.reset();
        for (const { id, provider, model, circuit } of sources.circuits()) {
          for (const state of circuitStates) {
            this.set({ deployment: id, provider, model, state }, state === circuit ? 1 : 0);
          }
        }
      },
    }),
    socketsConnected: new Gauge({
      name: name('sockets_connected'),
      help: 'Sockets connected to the chat namespace on this instance',
      registers,
      collect() {
        this.set(sources.sockets().connected);
      },
    }),
    rooms: new Gauge({
      name: name('socket_rooms'),
      help: 'Rooms on this instance by kind (session, user)',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        const census = sources.sockets();
        this.set({ kind: 'session' }, census.sessionRooms);
        this.set({ kind: 'user' }, census.userRooms);
      },
    }),
    socketEvents: new Counter({
      name: name('socket_events_total'),
      help: 'Socket events received from clients, by event',
      labelNames: ['event'] as const,
      registers,
    }),
    socketRejections: new Counter({
      name: name('socket_events_rejected_total'),
      help: 'Socket events (and handshakes, event connect) answered with an error, by event and error code',
      labelNames: ['event', 'code'] as const,
      registers,
    }),
    storeDuration: new Histogram({
      name: name('store_operation_duration_seconds'),
      help: 'Store calls by operation and outcome (ok, error)',
      labelNames: ['operation', 'outcome'] as const,
      buckets: storeBuckets,
      registers,
    }),
    recommendDuration: new Histogram({
      name: name('recommend_duration_seconds'),
      help: 'Recommendations (REST and the chat tool) by outcome (ok, error)',
      labelNames: ['outcome'] as const,
      buckets: recommendBuckets,
      registers,
    }),
    importsRunning: new Gauge({
      name: name('history_imports_running'),
      help: 'Listening-history imports running on this instance',
      registers,
    }),
    imports: new Counter({
      name: name('history_imports_total'),
      help: 'Listening-history imports that ended, by outcome (done, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof createMetricSet>;
