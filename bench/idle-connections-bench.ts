/**
 * Memory per idle connection (issue #16: at most 10 KB RSS each at 20,000 on one instance), EchoTune
 * beside a bare Socket.io server with its options, in the same run. Each server is its own process;
 * clients connect over WebSocket from several processes (each below the file-descriptor limit), stay
 * connected without a word, and the server's RSS (VmRSS) is read at each checkpoint once it settled.
 * EchoTune's clients are guests with a token each, signed by the client processes with the server's
 * secret (a connection is authenticated, counted and in its listener's room; the server did nothing
 * before that would leave garbage to fill); the bare server's are anonymous.
 *
 *   npx tsx bench/idle-connections-bench.ts [--connections N] [--per-process 5000] [--settle 10]
 *
 * The soft open-file limit is raised to the hard one (the run re-executes itself under `ulimit -n`); a
 * server needs a few dozen descriptors besides its sockets, so the default count is the limit less 100,
 * at most 20,000. Both servers inherit NODE_OPTIONS, so V8 settings are compared on both sides, e.g.
 * `NODE_OPTIONS=--max-semi-space-size=16` (a smaller young generation: less RSS, slower bursts).
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/environment.js';
import { startServerProcess } from '../test/support/server-process.js';
import type { Opened } from './idle/connect-child.js';
import { openFileLimit } from './idle/file-limit.js';
import { type IdleOptions, parseIdleOptions } from './idle/idle-options.js';
import { printTable } from './print-table.js';

const TARGET_KB = 10;
/** The target is stated at 20,000; a machine whose open-file limit is 20,000 holds 19,900. */
const JUDGED_FROM = 19_000;

const limit = openFileLimit();
if (limit.soft < limit.hard && process.env.IDLE_BENCH_RAISED !== '1') {
  // Children inherit the soft limit: raise it once, for the whole run.
  const hard = Number.isFinite(limit.hard) ? String(limit.hard) : 'unlimited';
  const run = spawnSync(
    '/bin/sh',
    [
      '-c',
      `ulimit -n ${hard} && exec "$@"`,
      'sh',
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, IDLE_BENCH_RAISED: '1' },
    },
  );
  process.exit(run.status ?? 1);
}

let options: IdleOptions;
try {
  options = parseIdleOptions(process.argv.slice(2), limit.soft);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const checkpoints = [1_000, 5_000, 10_000, options.connections].filter(
  (count, index, all) => count <= options.connections && all.indexOf(count) === index,
);

interface Server {
  url: string;
  pid: number;
  /** The secret its tokens are signed with (EchoTune); the bare server takes anyone. */
  jwtSecret?: string;
  stop(): Promise<void>;
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function rssKb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

async function startBare(): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/idle/bare-server.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /open (http:\/\/\S+) in your browser/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function startEchoTune(): Promise<Server> {
  const directory = mkdtempSync(join(tmpdir(), 'echotune-idle-'));
  const jwtSecret = randomBytes(32).toString('hex');
  const unlimited = '1000000';
  // Every client comes from 127.0.0.1, many per listener would not: the connection caps out of the way.
  const server = await startServerProcess({
    DATA_DIR: directory,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'error',
    MAX_CONNECTIONS_PER_IP: unlimited,
    MAX_CONNECTIONS_PER_LISTENER: unlimited,
  });
  return {
    url: server.url,
    pid: server.child.pid!,
    jwtSecret,
    stop: async () => {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A client process and what it answers to one request. */
class ClientProcess {
  readonly #child: ChildProcess = fork(join(repoRoot, 'bench/idle/connect-child.ts'), {
    execArgv: ['--import', 'tsx'],
  });

  ask<T>(request: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`client process exited (${code})`));
      this.#child.once('exit', exited);
      this.#child.once('message', (message) => {
        this.#child.off('exit', exited);
        resolve(message as T);
      });
      this.#child.send(request);
    });
  }

  close(): void {
    if (this.#child.connected) this.#child.send({ kind: 'close' });
  }
}

/** Client processes of at most `per-process` listeners each, their tokens (if any) signed up front. */
async function prepareClients(url: string, jwtSecret: string | undefined): Promise<ClientProcess[]> {
  const clients: ClientProcess[] = [];
  for (let left = options.connections; left > 0; left -= options.perProcess) {
    const client = new ClientProcess();
    clients.push(client);
    await client.ask({ kind: 'prepare', url, count: Math.min(left, options.perProcess), jwtSecret });
  }
  return clients;
}

/** Opens `count` more connections, filling the client processes in order. */
async function openConnections(clients: ClientProcess[], open: number, count: number): Promise<void> {
  const perProcess = options.perProcess;
  for (let at = open; at < open + count; ) {
    const client = clients[Math.floor(at / perProcess)]!;
    const batch = Math.min(open + count - at, perProcess - (at % perProcess));
    const result = await client.ask<Opened>({ kind: 'open', count: batch });
    if (result.failed > 0) {
      throw new Error(`${result.failed} of ${batch} connections failed: ${JSON.stringify(result.failures)}`);
    }
    at += batch;
  }
}

interface Reading {
  connections: number;
  kbPerConnection: number;
}

async function measure(name: string, server: Server): Promise<Reading[]> {
  let clients: ClientProcess[] = [];
  try {
    clients = await prepareClients(server.url, server.jwtSecret);
    await pause(options.settleSeconds * 1000);
    const idle = rssKb(server.pid);
    console.log(`${name}: ${(idle / 1024).toFixed(0)} MiB RSS with no connection`);
    const readings: Reading[] = [];
    let open = 0;
    for (const checkpoint of checkpoints) {
      await openConnections(clients, open, checkpoint - open);
      open = checkpoint;
      await pause(options.settleSeconds * 1000);
      const rss = rssKb(server.pid);
      readings.push({ connections: open, kbPerConnection: (rss - idle) / open });
      console.log(
        `${name}: ${open} connections, ${(rss / 1024).toFixed(0)} MiB RSS (load ${loadavg()[0]!.toFixed(2)})`,
      );
    }
    return readings;
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `\nidle connections: open-file limit ${limit.soft} (hard ${limit.hard}); checkpoints ${checkpoints.join(', ')}; ` +
      `${options.perProcess} connections per client process\n`,
  );
  const bare = await measure('bare Socket.io', await startBare());
  const echotune = await measure('EchoTune', await startEchoTune());
  console.log('');
  printTable(
    ['connections', 'bare Socket.io KB RSS each', 'EchoTune KB RSS each', 'EchoTune / bare'],
    echotune.map((reading, index) => [
      String(reading.connections),
      bare[index]!.kbPerConnection.toFixed(1),
      reading.kbPerConnection.toFixed(1),
      `${(reading.kbPerConnection / bare[index]!.kbPerConnection).toFixed(2)}×`,
    ]),
    'right',
  );
  const last = echotune.at(-1)!;
  // Fixed costs spread over fewer connections make a small run look cheap: only near 20,000 is judged.
  const verdict =
    last.connections < JUDGED_FROM
      ? `not judged below ${JUDGED_FROM} connections`
      : last.kbPerConnection <= TARGET_KB
        ? 'PASS'
        : 'FAIL';
  console.log(
    `\nEchoTune at ${last.connections} idle connections: ${last.kbPerConnection.toFixed(1)} KB each ` +
      `(target ≤ ${TARGET_KB} KB at 20,000) ${verdict}`,
  );
}

await main();
