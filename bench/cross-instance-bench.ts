/**
 * What EchoTune adds when a reply crosses instances (the scale-out issue's figures), against a bare
 * Socket.io baseline with the same Redis adapter, measured in the same run:
 * 1. cross-instance delivery latency: one listener's two tabs of one session, on instances 0 and 1; each
 *    delta's arrival at the second tab minus its arrival at the first (both clients in this process, one
 *    clock), EchoTune (startServer instances sharing REDIS_URL, JWT_SECRET and DATA_DIR, turns streaming
 *    from a fake OpenAI-compatible upstream) beside two plain Socket.io servers, one emitting frames of the
 *    same size at the same pace to a room. Target: EchoTune p99 − bare p99 ≤ 5 ms, per adapter.
 * 2. delta fan-out per second with 1 and 3 instances: many tabs in many sessions, all streaming on
 *    instance 0, tabs spread over the instances; deltas received per second across all clients, beside
 *    bare servers with as many clients, rooms and the same emit pace. Target: ≥ 80 % of bare.
 * Every instance, bare server and the upstream runs in a process of its own (bench/cross-instance/child.ts),
 * each adapter on a throwaway redis-server. EchoTune and bare alternate in rounds (and which goes first
 * alternates), so both meet the same noisy machine; only ratios and differences are reported.
 *
 *   npx tsx bench/cross-instance-bench.ts            (~3 minutes)
 *     --rounds 2          rounds per figure (each: one EchoTune batch, one bare batch)
 *     --turns 2           latency: replies (~2 s each) per side per round
 *     --seconds 3         fan-out: counting window per side per round
 *     --clients 200       fan-out: clients in all (tabs per session = clients / sessions)
 *     --sessions 20       fan-out: sessions streaming at once (each ~20 deltas/s)
 *     --instances 1,3     fan-out: instance counts
 *     --adapters streams,pubsub
 *     --only latency|fanout
 *   Any EchoTune setting in the environment is passed on (e.g. DELTA_COALESCE_MS=0), except those the
 *   bench sets itself (cluster.ts: Redis, secret, data, provider, rate limits, DISCONNECT_GRACE_MS).
 * Exits 1 when the bench itself fails (a process dies, a turn is refused or hangs); unmet targets are
 * results, printed, not failures.
 */
import { loadavg } from 'node:os';
import type { AdapterKind } from '../src/shared-state/index.js';
import { type Cluster, startCluster, startUpstream } from './cross-instance/cluster.js';
import { type FanoutResult, measureFanout } from './cross-instance/fanout.js';
import { type LatencyResult, measureLatency } from './cross-instance/latency.js';
import { anomalies, printFanout, printLatency, printSummary } from './cross-instance/report.js';
import { TURN_MS } from './turn-overhead/upstream.js';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
};
const positive = (name: string, fallback: number): number => {
  const value = Number(argument(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

const options = {
  rounds: positive('rounds', 2),
  turns: positive('turns', 2),
  seconds: positive('seconds', 3),
  clients: positive('clients', 200),
  sessions: positive('sessions', 20),
  instances: argument('instances', '1,3')
    .split(',')
    .map(Number)
    .filter((count) => count > 0),
  adapters: argument('adapters', 'streams,pubsub').split(',') as AdapterKind[],
  only: argument('only', 'both'),
};
for (const adapter of options.adapters) {
  if (adapter !== 'streams' && adapter !== 'pubsub') throw new Error(`unknown adapter ${adapter}`);
}

async function runAdapter(cluster: Cluster, latency: LatencyResult[], fanout: FanoutResult[]): Promise<void> {
  const say = (what: string) =>
    console.log(`[${(performance.now() / 1000).toFixed(0).padStart(3)} s, ${cluster.adapter}] ${what}`);
  if (options.only !== 'fanout') {
    await cluster.resize(2);
    say(`latency: ${options.rounds} rounds × ${options.turns} replies per side`);
    latency.push(await measureLatency(cluster, options));
  }
  if (options.only !== 'latency') {
    // Largest first: the extra instances are stopped for the smaller counts, so none idles on the adapter.
    for (const instances of [...options.instances].sort((a, b) => b - a)) {
      await cluster.resize(instances);
      say(`fan-out, ${instances} instance(s): ${options.rounds} rounds × ${options.seconds} s per side`);
      fanout.push(await measureFanout(cluster, { ...options, instances }));
    }
  }
  say('done');
}

async function main(): Promise<boolean> {
  const started = performance.now();
  console.log(
    `cross-instance bench: adapters ${options.adapters.join(', ')}; load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const upstream = await startUpstream();
  const latency: LatencyResult[] = [];
  const fanout: FanoutResult[] = [];
  const warnings: string[] = [];
  try {
    for (const adapter of options.adapters) {
      const cluster = await startCluster(adapter, upstream.baseURL);
      try {
        await runAdapter(cluster, latency, fanout);
      } finally {
        warnings.push(...cluster.echotuneWarnings());
        await cluster.close();
      }
    }
  } finally {
    await upstream.child.stop();
  }
  if (latency.length > 0) printLatency(latency, TURN_MS);
  if (fanout.length > 0) {
    const order = (result: FanoutResult) => options.adapters.indexOf(result.adapter as AdapterKind);
    printFanout([...fanout].sort((a, b) => order(a) - order(b) || a.instances - b.instances));
  }
  const met = printSummary(latency, fanout);
  const noticed = anomalies(latency, fanout, warnings);
  if (noticed.length > 0) {
    console.log('\nNoticed:');
    for (const line of noticed) console.log(`- ${line}`);
  }
  console.log(
    `\n${met ? 'All targets met' : 'Some targets not met'}; ${((performance.now() - started) / 1000).toFixed(0)} s, ` +
      `load average now ${loadavg()[0]!.toFixed(2)} (2 shared vCPUs: compare sides, not runs).`,
  );
  return met;
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error('cross-instance bench failed:', error);
  process.exit(1);
}
