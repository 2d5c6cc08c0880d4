import type { HealthRecord } from './health-record.js';

/**
 * Where deployment health lives. In memory for one instance; in Redis so every instance routes on
 * the same circuit states and latencies. The router only reads and applies pure updates.
 */
export interface HealthStore {
  /** True when every instance reads and writes the same records. */
  readonly shared: boolean;
  /** Current records (an empty record for an id never seen). */
  read(ids: readonly string[]): Promise<Map<string, HealthRecord>>;
  /**
   * Applies `change` atomically to one record. `change` returns null to leave the record as it is;
   * the result says whether it was applied.
   */
  update(
    id: string,
    change: (record: HealthRecord) => HealthRecord | null,
  ): Promise<{ applied: boolean; record: HealthRecord }>;
  /** The newest record this instance has seen, without I/O (for status pages). */
  cached(id: string): HealthRecord | undefined;
  close(): Promise<void>;
}
