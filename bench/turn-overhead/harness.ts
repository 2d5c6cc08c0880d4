import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/environment.js';
import type { FigureQuestion } from './figures.js';
import { percentile } from './turns.js';

/**
 * The processes the latency benches share (turn-overhead and peers): the local upstream, EchoTune and
 * the bare relay, each a child running `child.ts` in its role, answering figures over IPC.
 */

const childEntry = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Asks a child for a figure over IPC (the upstream: connections accepted; a service: see figures.ts). */
export function askChild(child: ChildProcess, question: FigureQuestion | 'connections'): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(Number(answer)));
    child.send(question);
  });
}

/** Starts `child.ts` in a role (`--role upstream|relay|server …`); resolves once it says it is ready. */
export function startChild(args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const profile =
    process.env.BENCH_PROFILE && (args.includes('server') || args.includes('relay'))
      ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']
      : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', childEntry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)));
  });
}

/** The local OpenAI-wire upstream (upstream.ts) on a free port, and its base URL. */
export async function startUpstream(): Promise<{ child: ChildProcess; port: number; baseURL: string }> {
  const port = await freePort();
  const child = await startChild(['--role', 'upstream', '--port', String(port)]);
  return { child, port, baseURL: `http://127.0.0.1:${port}/v1` };
}

/**
 * EchoTune (`startServer`) with one OpenAI deployment at the upstream, no exploration, and limits out of
 * the way (the bench measures latency, not refusals). `dataDir` holds its store and providers file.
 */
export async function startEchoTune(
  upstreamBaseURL: string,
  dataDir: string,
): Promise<{ child: ChildProcess; url: string }> {
  const providersFile = join(dataDir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      deployments: [
        {
          id: 'bench',
          provider: 'openai',
          model: 'gpt-4o-mini',
          baseURL: upstreamBaseURL,
          apiKeyEnv: 'OPENAI_API_KEY',
        },
      ],
      router: { explorationShare: 0 },
    }),
  );
  const port = await freePort();
  const child = await startChild(['--role', 'server'], {
    PORT: String(port),
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
  return { child, url: `http://127.0.0.1:${port}` };
}

/** The bare relay (relay.ts) streaming from the upstream, and its URL. */
export async function startRelay(upstreamBaseURL: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = await startChild(['--role', 'relay', '--port', String(port), '--upstream', upstreamBaseURL]);
  return { child, url: `http://127.0.0.1:${port}` };
}

/** SIGINT (a normal exit, so `--cpu-prof` and BENCH_HEAP write their profiles), then waits for the exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * What the machine alone costs for one hop: sequential GETs to the upstream, a few ms apart (as idle
 * processes meet requests), over a kept-alive connection. No chat service or SDK clears this.
 */
export async function machineFloor(url: string): Promise<{ p50: number; p99: number }> {
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
