import type { ChaosEvent } from './chaos.js';
import type { FaultCounts } from './faults.js';
import type { HeapGrowth, HeapSample } from './heap-growth.js';
import type { LoadOptions } from './load-options.js';
import type { MemoryReading } from './server-memory.js';
import type { StoreCount } from './store-count.js';
import type { StoreTime } from './store-time.js';
import type { TimelineInterval } from './timeline.js';
import type { TurnOutcome } from './turn-outcome.js';

/** Everything a run measured; thresholds and the report read only this. */
export interface LoadResult {
  options: LoadOptions;
  /** How long the arrivals ran. */
  seconds: number;
  /** Arrivals offered: rate × seconds. */
  offered: number;
  outcomes: TurnOutcome[];
  noIdleClient: number;
  faults: FaultCounts;
  memory: {
    clients: number;
    /** All instances together, before any client connected. */
    baseline: MemoryReading;
    /** After every client connected and opened its session, before the first turn. */
    connected: MemoryReading;
    /** After the last turn, clients still connected. */
    end: MemoryReading;
  };
  heap: Array<{ series: string; samples: HeapSample[]; growth: HeapGrowth }>;
  store: StoreCount;
  chaos: ChaosEvent[];
  /** Each live process's store calls over the run (its /metrics at the end). */
  storeTime: StoreTime[];
  /** The listeners' events by interval of the run. */
  timeline: { intervalSeconds: number; intervals: TimelineInterval[] };
}

/** Per connection, in bytes: what `after` holds over `baseline`, spread over the clients. */
export const perConnection = (after: number, baseline: number, clients: number) =>
  (after - baseline) / clients;
