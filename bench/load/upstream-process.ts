import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/environment.js';
import type { FaultCounts } from './faults.js';

export interface UpstreamProcess {
  /** What a deployment's baseURL is. */
  baseURL: string;
  /** What the upstream has answered so far, by fault kind. */
  faults(): Promise<FaultCounts>;
  stop(): Promise<void>;
}

const childFile = fileURLToPath(new URL('./upstream-child.ts', import.meta.url));

/** Starts the fault upstream (fault-upstream.ts) in its own process and waits until it listens. */
export async function startUpstreamProcess(faultShare: number): Promise<UpstreamProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', childFile, String(port), String(faultShare)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the upstream exited with ${code} before listening`)));
  });
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    faults: () =>
      new Promise((resolve) => {
        child.once('message', (counts) => resolve(counts as FaultCounts));
        child.send('faults');
      }),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
