/**
 * What EchoTune adds before the first words reach a listener: time from `message:send` to the first
 * `turn:delta` at the client, minus the upstream's own time to first byte, at 1, 50 and 200 concurrent
 * turns in flight. Four processes, so no side steals the others' event loop: this one (clients), a local
 * upstream speaking OpenAI's SSE wire format, an EchoTune server using the real OpenAI SDK against it,
 * and a bare relay (socket.io + the same SDK, nothing else). Two baselines, measured in the same run:
 * the bare relay (the same hops without EchoTune's work) and the OpenAI SDK called directly from this
 * process (one HTTP hop). EchoTune, relay and direct batches alternate in three rounds per level, so all
 * meet the same shared machine. The machine's own floor (an idle loopback round trip) is printed too.
 *
 *   npx tsx bench/turn-overhead-bench.ts [--samples 30]   (turns per level: 2 to 20 per worker; ~7 minutes)
 *   BENCH_LEVELS=1,50 …            only these levels
 *   BENCH_CHUNKS=4 …               chunks per reply (default 40), still over ~2 s: per-turn vs per-chunk cost
 *   BENCH_PROFILE=1 …              the server and the relay write V8 CPU profiles to /tmp/prof
 *   BENCH_HEAP=1 …                 the server writes a sampled allocation profile to /tmp/heap.json
 *   DELTA_FRAMES_PER_SECOND=0 …    any server setting, passed on (here: delta windows that never widen)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import OpenAI from 'openai';
import type { Socket } from 'socket.io-client';
import {
  askChild,
  machineFloor,
  startEchoTune,
  startRelay,
  startUpstream,
  stopChild,
} from './turn-overhead/harness.js';
import { type LevelResult, printReport, type SideResult } from './turn-overhead/report.js';
import {
  connectListener,
  connectRelay,
  inFlight,
  type Listener,
  measureDirect,
  measureRelayTurn,
  measureTurn,
  type Overhead,
} from './turn-overhead/turns.js';
import { TURN_MS } from './turn-overhead/upstream.js';

const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1, 50, 200];
/** Rounds per level: the three sides alternate, so all meet the same (shared, noisy) machine. */
const ROUNDS = 3;

interface Harness {
  listeners: Listener[];
  relaySockets: Socket[];
  direct: OpenAI;
  server: ChildProcess;
  relay: ChildProcess;
  upstream: ChildProcess;
}

interface Batch {
  overheads: Overhead[];
  loopDelayP99: number;
  cpuMs: number;
  loopBusyMs: number;
}

/** Turns on one side, with its process's figures over exactly those turns. */
async function measureBatch(
  level: number,
  count: number,
  turn: (slot: number) => Promise<Overhead>,
  child: ChildProcess,
): Promise<Batch> {
  await askChild(child, 'loop-delay');
  const [cpuBefore, busyBefore] = [await askChild(child, 'cpu-ms'), await askChild(child, 'loop-busy-ms')];
  const overheads = await inFlight(level, count, turn);
  return {
    overheads,
    loopDelayP99: await askChild(child, 'loop-delay'),
    cpuMs: (await askChild(child, 'cpu-ms')) - cpuBefore,
    loopBusyMs: (await askChild(child, 'loop-busy-ms')) - busyBefore,
  };
}

/** Adds batches up into one side's result. */
function sideOf(batches: Batch[]): SideResult {
  const overheads = batches.flatMap((batch) => batch.overheads);
  const sum = (pick: (batch: Batch) => number) => batches.reduce((total, batch) => total + pick(batch), 0);
  return {
    overheads,
    process: {
      loopDelayP99: Math.max(...batches.map((batch) => batch.loopDelayP99)),
      // CPU per turn barely depends on what else the machine runs, unlike latency on a shared VM.
      cpuPerTurn: sum((batch) => batch.cpuMs) / overheads.length,
      loopBusyPerTurn: sum((batch) => batch.loopBusyMs) / overheads.length,
    },
  };
}

async function measureLevel(level: number, wanted: number, harness: Harness): Promise<LevelResult> {
  const service: Batch[] = [];
  const relay: Batch[] = [];
  const direct: Overhead[] = [];
  // The measuring process itself can be the bottleneck; its event-loop delay says how much.
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  const connectionsBefore = await askChild(harness.upstream, 'connections');
  const perRound = Math.ceil(wanted / ROUNDS);
  for (let round = 0; round < ROUNDS; round += 1) {
    clientLoop.enable();
    service.push(
      await measureBatch(level, perRound, (slot) => measureTurn(harness.listeners[slot]!), harness.server),
    );
    clientLoop.disable();
    relay.push(
      await measureBatch(
        level,
        perRound,
        (slot) => measureRelayTurn(harness.relaySockets[slot]!),
        harness.relay,
      ),
    );
    direct.push(...(await inFlight(level, perRound, () => measureDirect(harness.direct))));
  }
  return {
    level,
    service: sideOf(service),
    relay: sideOf(relay),
    direct: { overheads: direct },
    clientLoopDelayP99: clientLoop.percentile(99) / 1e6,
    connectionsOpened: (await askChild(harness.upstream, 'connections')) - connectionsBefore,
  };
}

async function runBench(samples: number): Promise<void> {
  const { child: upstream, port: upstreamPort, baseURL } = await startUpstream();
  const dataDir = mkdtempSync(join(tmpdir(), 'echotune-bench-'));
  const { child: server, url } = await startEchoTune(baseURL, dataDir);
  const { child: relay, url: relayUrl } = await startRelay(baseURL);
  const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
  try {
    const floor = await machineFloor(`http://127.0.0.1:${upstreamPort}/ping`);
    // Warm-up at the highest level: JIT, and connection pools as large as under steady load.
    const warm = Math.max(10, ...LEVELS);
    const listeners = await Promise.all(Array.from({ length: warm }, () => connectListener(url)));
    const relaySockets = await Promise.all(Array.from({ length: warm }, () => connectRelay(relayUrl)));
    await inFlight(warm, warm, (slot) => measureTurn(listeners[slot]!));
    await inFlight(warm, warm, (slot) => measureRelayTurn(relaySockets[slot]!));
    await inFlight(warm, warm, () => measureDirect(direct));
    const harness: Harness = { listeners, relaySockets, direct, server, relay, upstream };
    const results: LevelResult[] = [];
    for (const level of LEVELS) {
      // Each worker finishes a turn every ~2 s: a single one gets 20 turns (40 s), not the full count.
      results.push(await measureLevel(level, Math.max(2 * level, Math.min(samples, 20 * level)), harness));
    }
    printReport(results, TURN_MS, floor);
    for (const socket of [...listeners.map((listener) => listener.socket), ...relaySockets]) socket.close();
  } finally {
    for (const service of [server, relay]) await stopChild(service);
    await stopChild(upstream, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const samplesAt = process.argv.indexOf('--samples');
await runBench(Number(samplesAt >= 0 ? process.argv[samplesAt + 1] : 30));
process.exit(0);
