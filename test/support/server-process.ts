import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './environment.js';

/** An EchoTune instance in a process of its own, so a test can see it survive, or kill it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const startTimeoutMs = 30_000;

/**
 * What a process runs: the built server (`dist/server.js`, what the Dockerfile ships) when
 * ECHOTUNE_TEST_BUILT_SERVER=1 (CI builds it first), else the sources through tsx.
 */
function serverArguments(): string[] {
  if (process.env.ECHOTUNE_TEST_BUILT_SERVER !== '1') return ['--import', 'tsx', 'src/server.ts'];
  const built = join(repoRoot, 'dist', 'server.js');
  if (!existsSync(built))
    throw new Error('ECHOTUNE_TEST_BUILT_SERVER=1 but dist/server.js is missing: npm run build');
  return [built];
}

/** Starts an EchoTune server process on a free port and waits for its "listening" line. */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'echotune-process-'));
  const child = spawn(process.execPath, serverArguments(), {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedWith = code ?? signal ?? 'unknown';
      resolve(exitedWith);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never said it listens must not outlive the caller that gave up on it.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, startTimeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/\S+) in your browser/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    exited,
    alive: () => exitedWith === undefined,
    async stop(signal = 'SIGTERM') {
      if (exitedWith === undefined) child.kill(signal);
      await exited;
      if (env.DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
