import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { treeOf } from './proc.js';

/** A gateway under test, running as its own process tree, with its output in a log file. */
export interface PeerProcess {
  readonly pid: number;
  readonly log: string;
  stop(): Promise<void>;
}

/** The last lines of a log, for a skip line that says why. */
export function tail(path: string, lines = 6): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM to the whole tree (a worker may outlive its parent otherwise), SIGKILL after 10 s. */
async function stopTree(child: ChildProcess): Promise<void> {
  const pids = exited(child) ? [] : treeOf(child.pid!);
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 10_000 && !exited(child); waited += 100) await sleep(100);
  signal('SIGKILL');
}

/**
 * Starts a command with its output in `log`, then waits until `readyUrl` answers 200 (or the process
 * exits, or `timeoutMs` passes: then it is stopped and this throws, with the log's last lines).
 */
export async function startPeer(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; log: string; readyUrl: string; timeoutMs: number },
): Promise<PeerProcess> {
  const out = openSync(options.log, 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const failed = new Promise<Error>((resolve) => {
    child.once('error', resolve);
    child.once('exit', (code, signal) => resolve(new Error(`exited with ${code ?? signal}`)));
  });
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([failed, probe(options.readyUrl), sleep(1000).then(() => false)]);
    if (outcome instanceof Error) throw new Error(`${outcome.message}:\n${tail(options.log)}`);
    if (outcome === true) return { pid: child.pid!, log: options.log, stop: () => stopTree(child) };
    await sleep(250);
  }
  await stopTree(child);
  throw new Error(`not ready after ${options.timeoutMs / 1000} s:\n${tail(options.log)}`);
}

async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs an installer to its end, its output appended to `log`; throws with the log's tail on failure. */
export async function install(
  command: string,
  args: string[],
  options: { cwd: string; log: string },
): Promise<void> {
  const out = openSync(options.log, 'a');
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', out, out] });
  closeSync(out);
  const code = await new Promise<number | string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${tail(options.log)}`);
}
