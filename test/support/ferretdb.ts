import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { killWithParent, stopChild } from './child-lifetime.js';
import { collectOutput } from './child-output.js';
import { freePort, missing } from './environment.js';
import { type PostgresServer, startPostgres } from './postgres.js';

export interface FerretDb {
  /** mongodb://127.0.0.1:<port>/ — add a database name per test for isolation. */
  uri: string;
  /**
   * Stops the process (SIGKILL by default: a crash; SIGTERM: FerretDB 1.24's graceful stop, ~3 s with
   * its connections open and unanswered, after which driver clients can hang until EchoTune's store
   * watchdog replaces them, docs/store.md), waits `downMs`, and starts it again on the same port and
   * data (an outage).
   */
  restart(downMs?: number, signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  stop(): Promise<void>;
}

const startTimeoutMs = 15_000;
const stopTimeoutMs = 5_000;

/** FERRETDB_BIN, else $(go env GOPATH)/bin/ferretdb, else ~/go/bin/ferretdb; null when none exists. */
export function findFerretDbBinary(): string | null {
  const candidates = [process.env.FERRETDB_BIN, goPathBinary(), join(homedir(), 'go', 'bin', 'ferretdb')];
  return (
    candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate)) ??
    null
  );
}

function goPathBinary(): string | undefined {
  try {
    const goPath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', timeout: 5_000 }).trim();
    return goPath === '' ? undefined : join(goPath, 'bin', 'ferretdb');
  } catch {
    return undefined;
  }
}

/**
 * Where FerretDB keeps the documents. SQLite (a file in the temp dir) is the light default for tests;
 * its FerretDB 1.x backend pushes only `_id` lookups down, so every other query reads the whole
 * collection and slows as it grows (~45 µs per stored message here). PostgreSQL (a private cluster)
 * answers filtered queries from indexes, as MongoDB does: what long runs need.
 */
export type FerretBackend = 'sqlite' | 'postgresql';

/**
 * Starts a private FerretDB (MongoDB wire protocol, on a fresh SQLite dir or PostgreSQL cluster) on a
 * free loopback port and waits until it accepts connections. Returns null when a binary is absent and
 * the test should skip (under CI=true that throws instead; see missing()). `restart()` restarts FerretDB
 * alone (the wire server the instances talk to); `stop()` ends everything and removes its data.
 */
export async function startFerretDb(options: { backend?: FerretBackend } = {}): Promise<FerretDb | null> {
  const binary = findFerretDbBinary();
  if (binary === null) {
    missing('FerretDB', 'no ferretdb binary found (run .ci/install-ferretdb.sh or set FERRETDB_BIN)');
    return null;
  }
  const directory = mkdtempSync(join(tmpdir(), 'echotune-ferretdb-'));
  let postgres: PostgresServer | null = null;
  try {
    if (options.backend === 'postgresql') {
      postgres = await startPostgres();
      if (postgres === null) {
        rmSync(directory, { recursive: true, force: true });
        return null;
      }
    }
    const handler = postgres
      ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`]
      : ['--handler=sqlite', `--sqlite-url=file:${directory}/`];
    const port = await freePort();
    const start = async () => {
      const started = spawnFerretDb(binary, handler, directory, port);
      await waitUntilListening(started, port, collectOutput(started, 20));
      return started;
    };
    let child = await start();
    return {
      uri: `mongodb://127.0.0.1:${port}/`,
      restart: async (downMs = 0, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
        await stopChild(child, signal, stopTimeoutMs);
        await new Promise((resolve) => setTimeout(resolve, downMs));
        child = await start();
      },
      stop: async () => {
        await stopChild(child, 'SIGTERM', stopTimeoutMs);
        await postgres?.stop();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await postgres?.stop();
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

function spawnFerretDb(binary: string, handler: string[], directory: string, port: number): ChildProcess {
  const child = spawn(
    binary,
    [
      ...handler,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${directory}`,
      // '-' turns the metrics HTTP listener off; its fixed default port would clash between instances.
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killWithParent(child);
  return child;
}

async function waitUntilListening(child: ChildProcess, port: number, output: string[]): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `FerretDB exited during start-up (${child.exitCode ?? child.signalCode}):\n${output.join('\n')}`,
      );
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(
    `FerretDB did not listen on port ${port} within ${startTimeoutMs} ms:\n${output.join('\n')}`,
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
