import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runArrivals } from './arrivals.js';
import { type ChaosEvent, runChaos } from './chaos.js';
import { startCluster } from './cluster.js';
import { heapGrowth } from './heap-growth.js';
import { Listener } from './listener.js';
import { type LoadOptions, runSeconds } from './load-options.js';
import type { LoadResult } from './load-result.js';
import { MemorySampler } from './memory-sampler.js';
import { readTotalMemory } from './server-memory.js';
import { startSingleInstance } from './single-instance.js';
import { countStore } from './store-count.js';
import { readStoreTime } from './store-time.js';
import { Timeline } from './timeline.js';
import { serverEnv, type Topology } from './topology.js';
import { startUpstreamProcess } from './upstream-process.js';

/** Clients connect this many at a time: a whole crowd at once would measure the connection storm. */
const CONNECT_BATCH = 25;

async function openListeners(url: string, clients: number, timeline: Timeline): Promise<Listener[]> {
  const listeners: Listener[] = [];
  for (let start = 0; start < clients; start += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, clients - start);
    listeners.push(...(await Promise.all(Array.from({ length: batch }, () => Listener.open(url, timeline)))));
  }
  return listeners;
}

/** The clientMsgIds each session was sent, for the count against the store. */
function sentBySession(result: Pick<LoadResult, 'outcomes'>): Map<string, string[]> {
  const sent = new Map<string, string[]>();
  for (const outcome of result.outcomes) {
    sent.set(outcome.sessionId, [...(sent.get(outcome.sessionId) ?? []), outcome.clientMsgId]);
  }
  return sent;
}

async function loadTopology(
  topology: Topology,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<Omit<LoadResult, 'faults' | 'store' | 'options'>> {
  const seconds = runSeconds(options);
  const baseline = await readTotalMemory(topology.probes());
  log(`connecting ${options.clients} clients`);
  const timeline = new Timeline(seconds);
  const listeners = await openListeners(topology.url, options.clients, timeline);
  try {
    const connected = await readTotalMemory(topology.probes());
    const sampler = new MemorySampler();
    sampler.start(() => topology.probes());
    log(`${options.rate} turns/s for ${seconds} s`);
    timeline.start();
    const chaos: Promise<ChaosEvent[]> =
      topology.chaos && options.chaos
        ? runChaos(topology.chaos, { seconds, instances: options.instances, log })
        : Promise.resolve([]);
    const arrivals = await runArrivals(listeners, {
      rate: options.rate,
      seconds,
      onTick: (elapsed) => {
        if (elapsed % 10 === 0) log(`${elapsed} s`);
      },
    });
    const events = await chaos;
    sampler.stop();
    const end = await readTotalMemory(topology.probes());
    const storeTime = await readStoreTime(topology.probes());
    return {
      seconds,
      offered: Math.floor(options.rate * seconds),
      ...arrivals,
      memory: { clients: options.clients, baseline, connected, end },
      heap: [...sampler.series].map(([series, samples]) => ({
        series,
        samples,
        growth: heapGrowth(samples, seconds),
      })),
      chaos: events,
      storeTime,
      timeline: { intervalSeconds: timeline.intervalSeconds, intervals: timeline.intervals },
    };
  } finally {
    for (const listener of listeners) listener.close();
  }
}

/**
 * One run: the fault upstream, the instances (one, or several behind HAProxy with Redis and FerretDB),
 * N clients at the given rate for the given time (with chaos when asked), then the count against the
 * store once the instances have stopped. Everything it started is stopped, whatever happens.
 */
export async function runLoad(
  options: LoadOptions,
  log: (line: string) => void = console.log,
): Promise<LoadResult> {
  const directory = mkdtempSync(join(tmpdir(), 'echotune-load-'));
  const upstream = await startUpstreamProcess(options.faults);
  let topology: Topology | undefined;
  try {
    const env = serverEnv(directory, upstream.baseURL);
    log(`starting ${options.instances} instance(s)`);
    topology =
      options.instances > 1 ? await startCluster(options.instances, env) : await startSingleInstance(env);
    const measured = await loadTopology(topology, options, log);
    const faults = await upstream.faults();
    await topology.stopInstances();
    const store = await countStore(topology.storeEnv, sentBySession(measured));
    return { options, ...measured, faults, store };
  } finally {
    await topology?.close();
    await upstream.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
