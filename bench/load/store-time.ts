import { Scrape } from '../../test/support/prometheus-text.js';
import type { InstanceProbe } from './server-memory.js';

const METRIC = 'echotune_store_operation_duration_seconds';

/** Where one process's store time went over the run, from its own histogram. */
export interface StoreTime {
  process: string;
  calls: number;
  errors: number;
  appends: number;
  appendMeanMs: number;
  /** The histogram bucket that holds the 99th percentile append: at most this long. */
  appendP99AtMostMs: number;
  /** The operations that took most of the time, with their share of it. */
  busiest: Array<{ operation: string; share: number }>;
}

/** The upper bound of the bucket holding `quantile` of the calls (cumulative buckets, `le` in seconds). */
function bucketOf(scrape: Scrape, labels: Record<string, string>, quantile: number): number {
  const buckets = scrape
    .find(`${METRIC}_bucket`, labels)
    .map((sample) => ({ le: Number(sample.labels.le), count: sample.value }))
    .sort((left, right) => left.le - right.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  return buckets.find((bucket) => bucket.count >= quantile * total)?.le ?? Number.POSITIVE_INFINITY;
}

export function storeTimeOf(process: string, scrape: Scrape): StoreTime {
  const seconds = new Map<string, number>();
  for (const sample of scrape.find(`${METRIC}_sum`)) {
    const operation = sample.labels.operation ?? '?';
    seconds.set(operation, (seconds.get(operation) ?? 0) + sample.value);
  }
  const totalSeconds = [...seconds.values()].reduce((total, value) => total + value, 0);
  const appended = { operation: 'appendMessage', outcome: 'ok' };
  const appends = scrape.sum(`${METRIC}_count`, appended);
  return {
    process,
    calls: scrape.sum(`${METRIC}_count`),
    errors: scrape.sum(`${METRIC}_count`, { outcome: 'error' }),
    appends,
    appendMeanMs: appends === 0 ? Number.NaN : (scrape.sum(`${METRIC}_sum`, appended) / appends) * 1000,
    appendP99AtMostMs: bucketOf(scrape, appended, 0.99) * 1000,
    busiest: [...seconds]
      .sort((left, right) => right[1] - left[1])
      .slice(0, 3)
      .map(([operation, value]) => ({ operation, share: totalSeconds === 0 ? 0 : value / totalSeconds })),
  };
}

/** Every live process's store time; one that does not answer (being restarted) is left out. */
export async function readStoreTime(probes: InstanceProbe[]): Promise<StoreTime[]> {
  const read = async (probe: InstanceProbe) => {
    const response = await fetch(`${probe.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return null;
    return storeTimeOf(`${probe.name} (pid ${probe.pid})`, new Scrape(await response.text()));
  };
  const times = await Promise.all(probes.map((probe) => read(probe).catch(() => null)));
  return times.filter((time): time is StoreTime => time !== null);
}
