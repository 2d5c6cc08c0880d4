import { emptyHealthRecord, type HealthRecord } from './health-record.js';
import type { HealthStore } from './health-store.js';

/** Health for a single instance: a map; updates are atomic because they are synchronous. */
export class MemoryHealthStore implements HealthStore {
  readonly shared = false;
  private readonly records = new Map<string, HealthRecord>();

  async read(ids: readonly string[]): Promise<Map<string, HealthRecord>> {
    return this.readNow(ids);
  }

  /** The same read without a promise, for benchmarks and tests that measure pure decision time. */
  readNow(ids: readonly string[]): Map<string, HealthRecord> {
    return new Map(ids.map((id) => [id, this.records.get(id) ?? emptyHealthRecord()]));
  }

  async update(
    id: string,
    change: (record: HealthRecord) => HealthRecord | null,
  ): Promise<{ applied: boolean; record: HealthRecord }> {
    const current = this.records.get(id) ?? emptyHealthRecord();
    const next = change(current);
    if (next === null) return { applied: false, record: current };
    this.records.set(id, next);
    return { applied: true, record: next };
  }

  cached(id: string): HealthRecord | undefined {
    return this.records.get(id);
  }

  async close(): Promise<void> {}
}
