import { readFile } from 'node:fs/promises';
import { Scrape } from '../../test/support/prometheus-text.js';

/** One instance as the harness measures it: its process and its own address (not the balancer's). */
export interface InstanceProbe {
  /** Stable across a restart (instance 2 is instance 2 again), so its series can start over. */
  name: string;
  pid: number;
  url: string;
}

export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
}

const HEAP_METRIC = 'echotune_nodejs_heap_size_used_bytes';

/** Resident set size from the kernel's own account of the process (VmRSS, in kB). */
async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kilobytes)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kilobytes * 1024;
}

/** V8's used heap as the instance reports it on GET /metrics (prom-client's default metrics). */
async function heapUsedBytes(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  const samples = new Scrape(await response.text()).find(HEAP_METRIC);
  if (samples.length === 0) throw new Error(`${url}/metrics has no ${HEAP_METRIC}`);
  return samples.reduce((total, sample) => total + sample.value, 0);
}

export async function readMemory(probe: InstanceProbe): Promise<MemoryReading> {
  const [rssBytes, heap] = await Promise.all([residentBytes(probe.pid), heapUsedBytes(probe.url)]);
  return { rssBytes, heapUsedBytes: heap };
}

/** The sum over instances; an instance that cannot answer right now (being restarted) is left out. */
export async function readTotalMemory(probes: InstanceProbe[]): Promise<MemoryReading> {
  const readings = await Promise.all(probes.map((probe) => readMemory(probe).catch(() => null)));
  return readings.reduce<MemoryReading>(
    (total, reading) => ({
      rssBytes: total.rssBytes + (reading?.rssBytes ?? 0),
      heapUsedBytes: total.heapUsedBytes + (reading?.heapUsedBytes ?? 0),
    }),
    { rssBytes: 0, heapUsedBytes: 0 },
  );
}
