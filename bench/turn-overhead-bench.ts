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
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { Socket } from 'socket.io-client';
import { freePort } from '../test/support/environment.js';
import { answerFigures, type FigureQuestion, startHeapProfile } from './turn-overhead/figures.js';
import { runRelay } from './turn-overhead/relay.js';
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
  percentile,
} from './turn-overhead/turns.js';
import { runUpstream, TURN_MS } from './turn-overhead/upstream.js';

const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1, 50, 200];
/** Rounds per level: the three sides alternate, so all meet the same (shared, noisy) machine. */
const ROUNDS = 3;

/** Asks a child for a figure over IPC (the upstream: connections accepted; a service: see figures.ts). */
function askChild(child: ChildProcess, question: FigureQuestion | 'connections'): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(Number(answer)));
    child.send(question);
  });
}

function startChild(args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const profile =
    process.env.BENCH_PROFILE && (args.includes('server') || args.includes('relay'))
      ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']
      : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', fileURLToPath(import.meta.url), ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)));
  });
}

/**
 * What the machine alone costs for one hop: sequential GETs to the upstream, a few ms apart (as idle
 * processes meet requests), over a kept-alive connection. No chat service or SDK clears this.
 */
async function machineFloor(url: string): Promise<{ p50: number; p99: number }> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const roundTrips: number[] = [];
  for (let index = 0; index < 300; index += 1) {
    await new Promise((resolve) => setTimeout(resolve, 3));
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      httpGet(url, { agent }, (response) => response.resume().once('end', resolve)).once('error', reject);
    });
    roundTrips.push(performance.now() - started);
  }
  agent.destroy();
  return { p50: percentile(roundTrips, 50), p99: percentile(roundTrips, 99) };
}

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
  const upstreamPort = await freePort();
  const upstream = await startChild(['--role', 'upstream', '--port', String(upstreamPort)]);
  const dataDir = mkdtempSync(join(tmpdir(), 'echotune-bench-'));
  const providersFile = join(dataDir, 'providers.json');
  const baseURL = `http://127.0.0.1:${upstreamPort}/v1`;
  writeFileSync(
    providersFile,
    JSON.stringify({
      deployments: [
        { id: 'bench', provider: 'openai', model: 'gpt-4o-mini', baseURL, apiKeyEnv: 'OPENAI_API_KEY' },
      ],
      router: { explorationShare: 0 },
    }),
  );
  const [serverPort, relayPort] = [await freePort(), await freePort()];
  const server = await startChild(['--role', 'server'], {
    PORT: String(serverPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PROVIDERS_FILE: providersFile,
    OPENAI_API_KEY: 'bench-key',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    RATE_LIMIT_SESSIONS_PER_MINUTE: '1000000',
    MAX_CONNECTIONS_PER_IP: '1000000',
    MAX_CONNECTIONS_PER_LISTENER: '1000000',
    TURN_QUEUE_DEPTH: '20',
  });
  const relay = await startChild(['--role', 'relay', '--port', String(relayPort), '--upstream', baseURL]);
  const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
  const url = `http://127.0.0.1:${serverPort}`;
  try {
    const floor = await machineFloor(`http://127.0.0.1:${upstreamPort}/ping`);
    // Warm-up at the highest level: JIT, and connection pools as large as under steady load.
    const warm = Math.max(10, ...LEVELS);
    const listeners = await Promise.all(Array.from({ length: warm }, () => connectListener(url)));
    const relaySockets = await Promise.all(
      Array.from({ length: warm }, () => connectRelay(`http://127.0.0.1:${relayPort}`)),
    );
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
    // SIGINT: a normal exit, so `--cpu-prof` (BENCH_PROFILE=1) and BENCH_HEAP can write their profiles.
    for (const service of [server, relay]) {
      service.kill('SIGINT');
      await new Promise((resolve) => service.once('exit', resolve));
    }
    upstream.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runServer(): Promise<void> {
  const { startServer } = await import('../src/server.js');
  const server = await startServer();
  const heapProfile = process.env.BENCH_HEAP ? await startHeapProfile() : null;
  answerFigures();
  process.once('SIGINT', async () => {
    await heapProfile?.stop();
    await server.close();
    process.exit(0);
  });
  process.send?.('ready');
}

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const role = argument('role');
if (role === 'upstream') runUpstream(Number(argument('port')));
else if (role === 'relay') runRelay(Number(argument('port')), argument('upstream')!);
else if (role === 'server') await runServer();
else {
  await runBench(Number(argument('samples') ?? 30));
  process.exit(0);
}
