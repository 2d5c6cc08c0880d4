/**
 * What EchoTune adds before the first words reach a listener: time from `message:send` to the first
 * `turn:delta` at the client, minus the upstream's own time to first byte, at 1, 50 and 200 concurrent
 * turns in flight. Three processes, so no side steals the others' event loop: this one (clients), a local upstream
 * speaking OpenAI's SSE wire format, and an EchoTune server using the real OpenAI SDK against it.
 * Baseline, measured in the same run: the OpenAI SDK called directly from this process (one HTTP hop).
 * Service and direct batches alternate in three rounds per level, so both meet the same shared machine.
 * Server CPU per turn is the server process's whole CPU time (all threads) over the service batches
 * divided by their turns: at 200 in flight it is the cost of a turn; with one turn in flight it is
 * mostly V8's background GC of an idle process. Server loop busy per turn is the main thread's share
 * (event-loop utilization): the time every other turn's next event may have to wait behind.
 *
 *   npx tsx bench/turn-overhead-bench.ts [--samples 30]   (turns per level: 2 to 20 per worker; ~5 minutes)
 *   BENCH_LEVELS=1,50 …            only these levels
 *   BENCH_PROFILE=1 …              the server writes a V8 CPU profile to /tmp/prof
 *   BENCH_HEAP=1 …                 the server writes a sampled allocation profile to /tmp/heap.json
 *   BENCH_CHUNKS=4 …               chunks per reply (default 40), still over ~2 s: per-turn vs per-chunk cost
 *   DELTA_FRAMES_PER_SECOND=0 …    any server setting, passed on (here: delta windows that never widen)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Agent as HttpAgent, get as httpGet, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { io, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type GuestTokenResponse, type ServerPayloads } from '../src/protocol/index.js';
import { freePort } from '../test/support/environment.js';
import { printTable } from './print-table.js';

const now = () => performance.timeOrigin + performance.now();
const MARK = 'upstream-at=';
const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1, 50, 200];
/** Each reply streams for about two seconds (a short answer at a model's pace), so N workers keep about N turns streaming. */
const STREAM_CHUNKS = Number(process.env.BENCH_CHUNKS ?? 40);
const CHUNK_INTERVAL_MS = 2000 / STREAM_CHUNKS;
const TURN_MS = STREAM_CHUNKS * CHUNK_INTERVAL_MS;

// ---------- the upstream: OpenAI Chat Completions SSE, reporting its own time to first byte ----------

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = { id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini' };
  return `data: ${JSON.stringify({ ...body, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** The rest of a reply at a model's pace: a few words every CHUNK_INTERVAL_MS, then usage and [DONE]. */
function streamRest(response: ServerResponse): void {
  let sent = 1;
  const timer = setInterval(() => {
    if (sent < STREAM_CHUNKS) {
      response.write(chunk({ content: 'Enjoy the run. ' }));
      sent += 1;
      return;
    }
    clearInterval(timer);
    response.write(chunk({}, 'stop'));
    const usage = {
      prompt_tokens: 40,
      completion_tokens: STREAM_CHUNKS * 4,
      total_tokens: 40 + STREAM_CHUNKS * 4,
    };
    response.write(
      `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
    );
    response.end('data: [DONE]\n\n');
  }, CHUNK_INTERVAL_MS);
  response.once('close', () => clearInterval(timer));
}

async function runUpstream(port: number): Promise<void> {
  const server = createServer((request, response) => {
    const arrived = now();
    if (request.method === 'GET') {
      response.writeHead(204).end();
      return;
    }
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      // Both instants travel in the first words, so the client can split its wait into the way to the
      // upstream and the way back (one machine, one clock).
      const content = `${MARK}${arrived.toFixed(4)},${now().toFixed(4)} `;
      response.write(chunk({ role: 'assistant', content }));
      streamRest(response);
    });
  });
  // Longer than any level runs, so pools warmed at the start stay warm (a slow level-1 phase takes minutes).
  server.keepAliveTimeout = 600_000;
  // New connections say whether callers keep theirs alive (each costs a handshake before the request).
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  process.on('message', (message) => {
    if (message === 'connections') process.send?.(connections);
  });
  server.listen(port, '127.0.0.1', () => process.send?.('ready'));
}

// ---------- the clients ----------

/** One first delta's wait, without the upstream's own time to first byte, split at the upstream. */
interface Overhead {
  /** From the send to the upstream's receipt of the request. */
  there: number;
  /** From the upstream's first byte to the first words at the client. */
  back: number;
}

function overheadOf(sent: number, received: number, text: string): Overhead {
  const [arrived, firstByte] = text
    .slice(text.indexOf(MARK) + MARK.length)
    .split(' ')[0]!
    .split(',')
    .map(Number);
  if (!Number.isFinite(arrived) || !Number.isFinite(firstByte)) {
    throw new Error(`no upstream timing in "${text}"`);
  }
  return { there: arrived! - sent, back: received - firstByte! };
}

const total = (overhead: Overhead) => overhead.there + overhead.back;

interface Listener {
  socket: Socket;
  sessionId: string;
}

async function connectListener(url: string): Promise<Listener> {
  const guest = (await (
    await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' })
  ).json()) as GuestTokenResponse;
  const socket = io(`${url}${CHAT_NAMESPACE}`, { auth: { token: guest.token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const created = (await socket.emitWithAck('session:create', {})) as {
    ok: boolean;
    session: { id: string };
  };
  return { socket, sessionId: created.session.id };
}

let messageCounter = 0;

/** One turn: send, wait for the first delta and the end of the turn, return the first delta's overhead. */
function measureTurn(listener: Listener): Promise<Overhead> {
  const { socket } = listener;
  return new Promise((resolve, reject) => {
    const sent = now();
    let overhead: Overhead | null = null;
    const onDelta = (delta: ServerPayloads['turn:delta']) => {
      if (delta.index !== 0) return;
      overhead = overheadOf(sent, now(), delta.text);
      socket.off('turn:delta', onDelta);
    };
    const onError = (error: ServerPayloads['turn:error']) => finish(new Error(error.message));
    const onDone = () => finish(overhead ? null : new Error('turn:done before any turn:delta'));
    const finish = (error: Error | null) => {
      socket.off('turn:delta', onDelta).off('turn:error', onError).off('turn:done', onDone);
      if (error) reject(error);
      else resolve(overhead!);
    };
    socket.on('turn:delta', onDelta).on('turn:error', onError).on('turn:done', onDone);
    messageCounter += 1;
    // A refused send (queue full, rate limit) must fail the run, not leave this worker waiting forever.
    socket
      .emitWithAck('message:send', {
        sessionId: listener.sessionId,
        clientMsgId: `bench-${messageCounter}`,
        text: 'hello',
      })
      .then((ack: { ok: boolean; error?: { message: string } }) => {
        if (!ack.ok) finish(new Error(`message:send refused: ${ack.error?.message}`));
      }, finish);
  });
}

async function measureDirect(client: OpenAI): Promise<Overhead> {
  const sent = now();
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
    stream: true,
  });
  let overhead: Overhead | null = null;
  for await (const part of stream) {
    const content = part.choices[0]?.delta.content;
    if (content && !overhead) overhead = overheadOf(sent, now(), content);
  }
  if (!overhead) throw new Error('the direct stream carried no text');
  return overhead;
}

/**
 * N workers, each starting at a random point of one turn's length and then running turns back to back,
 * so that new turns keep arriving while about N others are streaming (a steady state, not a burst).
 */
async function inFlight(
  level: number,
  samples: number,
  turn: (slot: number) => Promise<Overhead>,
): Promise<Overhead[]> {
  const results: Overhead[] = [];
  const worker = async (slot: number) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * TURN_MS));
    while (results.length < samples) results.push(await turn(slot));
  };
  await Promise.all(Array.from({ length: level }, (_, slot) => worker(slot)));
  return results;
}

/**
 * Asks a child for a figure over IPC (upstream: connections accepted; server: loop delay p99 ms since
 * the last question, or CPU time used so far in ms).
 */
function askChild(
  child: ChildProcess,
  question: 'connections' | 'loop-delay' | 'cpu-ms' | 'loop-busy-ms',
): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(Number(answer)));
    child.send(question);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function startChild(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const profile =
    process.env.BENCH_PROFILE && args.includes('server') ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', fileURLToPath(import.meta.url), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
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

async function runBench(samples: number): Promise<void> {
  const upstreamPort = await freePort();
  const upstream = await startChild(['--role', 'upstream', '--port', String(upstreamPort)], {});
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
  const serverPort = await freePort();
  const server = await startChild(['--role', 'server'], {
    PORT: String(serverPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PROVIDERS_FILE: providersFile,
    OPENAI_API_KEY: 'bench-key',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    TURN_QUEUE_DEPTH: '20',
  });
  const url = `http://127.0.0.1:${serverPort}`;
  const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
  try {
    const floor = await machineFloor(`http://127.0.0.1:${upstreamPort}/ping`);
    // Warm-up at the highest level: JIT, and connection pools as large as under steady load.
    const warm = Math.max(10, ...LEVELS);
    const listeners = await Promise.all(Array.from({ length: warm }, () => connectListener(url)));
    await inFlight(warm, warm, (slot) => measureTurn(listeners[slot]!));
    await inFlight(warm, warm, () => measureDirect(direct));
    const rows: string[][] = [];
    const legs: string[][] = [];
    for (const level of LEVELS) {
      // Each worker finishes a turn every ~2 s: a single one gets 20 turns (40 s), not the full count.
      const wanted = Math.max(2 * level, Math.min(samples, 20 * level));
      const {
        service,
        baseline,
        clientLoopDelay,
        serverLoopDelay,
        serverCpuPerTurn,
        serverLoopBusyPerTurn,
        connectionsOpened,
      } = await measureLevel(level, wanted, { listeners, direct, server, upstream });
      const [serviceTotals, baselineTotals] = [service.map(total), baseline.map(total)];
      const [s50, s99, b50, b99] = [
        percentile(serviceTotals, 50),
        percentile(serviceTotals, 99),
        percentile(baselineTotals, 50),
        percentile(baselineTotals, 99),
      ];
      rows.push([
        String(level),
        String(service.length),
        s50.toFixed(2),
        s99.toFixed(2),
        b50.toFixed(2),
        b99.toFixed(2),
        (s50 / b50).toFixed(1),
        (s99 / b99).toFixed(1),
        clientLoopDelay.toFixed(1),
        serverLoopDelay.toFixed(1),
        serverCpuPerTurn.toFixed(2),
        serverLoopBusyPerTurn.toFixed(2),
        String(connectionsOpened),
      ]);
      const split = (overheads: Overhead[], leg: keyof Overhead) =>
        percentile(
          overheads.map((overhead) => overhead[leg]),
          50,
        ).toFixed(2);
      legs.push([
        String(level),
        split(service, 'there'),
        split(service, 'back'),
        split(baseline, 'there'),
        split(baseline, 'back'),
        (s50 - b50).toFixed(2),
      ]);
    }
    printOverheadTable(rows, legs);
    console.log(
      `\nThis machine's floor: one HTTP round trip between two idle processes on loopback, no SDK: ` +
        `p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms.`,
    );
    for (const listener of listeners) listener.socket.close();
  } finally {
    server.kill('SIGINT');
    await new Promise((resolve) => server.once('exit', resolve));
    upstream.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Rounds per level: service and direct batches alternate, so both meet the same (shared, noisy) machine. */
const ROUNDS = 3;

interface Harness {
  listeners: Listener[];
  direct: OpenAI;
  server: ChildProcess;
  upstream: ChildProcess;
}

async function measureLevel(level: number, wanted: number, harness: Harness) {
  const service: Overhead[] = [];
  const baseline: Overhead[] = [];
  let serverLoopDelay = 0;
  let serverCpuMs = 0;
  let serverLoopBusyMs = 0;
  let connectionsOpened = 0;
  // The measuring process itself can be the bottleneck; its event-loop delay says how much.
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  const perRound = Math.ceil(wanted / ROUNDS);
  for (let round = 0; round < ROUNDS; round += 1) {
    clientLoop.enable();
    const connectionsBefore = await askChild(harness.upstream, 'connections');
    await askChild(harness.server, 'loop-delay');
    const cpuBefore = await askChild(harness.server, 'cpu-ms');
    const busyBefore = await askChild(harness.server, 'loop-busy-ms');
    service.push(...(await inFlight(level, perRound, (slot) => measureTurn(harness.listeners[slot]!))));
    serverLoopDelay = Math.max(serverLoopDelay, await askChild(harness.server, 'loop-delay'));
    serverCpuMs += (await askChild(harness.server, 'cpu-ms')) - cpuBefore;
    serverLoopBusyMs += (await askChild(harness.server, 'loop-busy-ms')) - busyBefore;
    connectionsOpened += (await askChild(harness.upstream, 'connections')) - connectionsBefore;
    clientLoop.disable();
    baseline.push(...(await inFlight(level, perRound, () => measureDirect(harness.direct))));
  }
  return {
    service,
    baseline,
    clientLoopDelay: clientLoop.percentile(99) / 1e6,
    serverLoopDelay,
    // CPU per turn barely depends on what else the machine runs, unlike latency on a shared VM.
    serverCpuPerTurn: serverCpuMs / service.length,
    // Only the main thread's busy time queues the next turn's first delta (GC helpers run beside it).
    serverLoopBusyPerTurn: serverLoopBusyMs / service.length,
    connectionsOpened,
  };
}

function printOverheadTable(rows: string[][], legs: string[][]): void {
  const header = [
    'concurrent',
    'turns',
    'service p50 ms',
    'service p99 ms',
    'direct SDK p50 ms',
    'direct SDK p99 ms',
    'p50 ratio',
    'p99 ratio',
    'client loop delay p99 ms',
    'server loop delay p99 ms',
    'server CPU ms per turn',
    'server loop busy ms per turn',
    'upstream connections opened',
  ];
  console.log(
    '\nOverhead before the first delta (client time to first delta − upstream time to first byte),',
  );
  console.log(
    `with N turns in flight (each streams ~${TURN_MS} ms; new turns start while the others stream)`,
  );
  printTable(header, rows, 'right');
  console.log('Target: service p50 < 1 ms, p99 < 5 ms at 200 concurrent turns.');
  console.log(
    '\nThe same wait in two legs, p50 ms: send → upstream has the request; upstream first byte → client',
  );
  printTable(
    ['concurrent', 'service: there', 'service: back', 'direct: there', 'direct: back', 'added over direct'],
    legs,
    'right',
  );
}

/**
 * Every allocation, sampled every 4 KB, with its stack, including objects the GC has already freed
 * (the allocation rate is what drives scavenges). `stop` writes the profile to /tmp/heap.json.
 */
async function startHeapProfile(): Promise<{ stop: () => Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
    // Both flags are newer than @types/node's copy of the inspector protocol.
  } as never);
  return {
    stop: async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync('/tmp/heap.json', JSON.stringify(profile));
    },
  };
}

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const role = argument('role');
if (role === 'upstream') {
  await runUpstream(Number(argument('port')));
} else if (role === 'server') {
  const { startServer } = await import('../src/server.js');
  const server = await startServer();
  const heapProfile = process.env.BENCH_HEAP ? await startHeapProfile() : null;
  // Event-loop delay: a blocked loop (GC, a synchronous store write) delays every turn at once.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (message) => {
    if (message === 'loop-busy-ms') {
      process.send?.(nodePerformance.eventLoopUtilization().active);
      return;
    }
    if (message === 'cpu-ms') {
      const used = process.cpuUsage();
      process.send?.((used.user + used.system) / 1000);
      return;
    }
    if (message !== 'loop-delay') return;
    process.send?.(loop.percentile(99) / 1e6);
    loop.reset();
  });
  // A normal exit, so `--cpu-prof` (BENCH_PROFILE=1) can write its profile.
  process.once('SIGINT', async () => {
    await heapProfile?.stop();
    await server.close();
    process.exit(0);
  });
  process.send?.('ready');
} else {
  await runBench(Number(argument('samples') ?? 30));
  process.exit(0);
}
