import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { collectOutput } from './child-output.js';
import { repoRoot } from './environment.js';

/**
 * What test/support/haproxy.ts and test/support/nginx.ts share: the deploy/ template a balancer's
 * configuration is generated from, and the balancer binary as a child process.
 */
export interface Balancer {
  kind: 'haproxy' | 'nginx';
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Index into the upstream ports the balancer was started with, of the instance that answered a request. */
  upstreamOf(headers: IncomingHttpHeaders): number;
  /** The balancer's last lines of output, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Added to generated configurations only (never to deploy/): names the instance that answered. */
export const UPSTREAM_HEADER = 'x-echotune-upstream';

const startTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;

/** An executable in the system directories Debian installs to (sbin is often not on PATH), or on PATH. */
export function findBinary(name: string): string | undefined {
  const directories = [
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/bin',
    '/usr/local/bin',
    ...(process.env.PATH ?? '').split(delimiter),
  ];
  return directories.map((directory) => join(directory, name)).find((path) => existsSync(path));
}

export function readDeployTemplate(file: string): string {
  return readFileSync(join(repoRoot, 'deploy', file), 'utf8');
}

/**
 * Replaces the one place in a deploy/ template that `pattern` matches. A template whose shape changed so
 * that the pattern matches nothing (or several places) fails loudly rather than testing something else.
 */
export function substituteOnce(
  template: string,
  file: string,
  pattern: RegExp,
  replacement: (...groups: string[]) => string,
): string {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const count = [...template.matchAll(global)].length;
  if (count !== 1) {
    throw new Error(`deploy/${file}: expected exactly one match of ${pattern}, found ${count}`);
  }
  const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(template)!;
  const groups = match.slice(1).map((group) => group ?? '');
  return (
    template.slice(0, match.index) + replacement(...groups) + template.slice(match.index + match[0].length)
  );
}

/**
 * Spawns the balancer (in its own process group, so a crashed test run leaves none of its workers behind),
 * waits until it listens on `port` and answers GET /health through to an instance, and returns its handle;
 * `stop()` ends it and removes `directory`.
 */
export async function runBalancer(options: {
  kind: Balancer['kind'];
  binary: string;
  args: string[];
  port: number;
  directory: string;
  upstreamOf: Balancer['upstreamOf'];
}): Promise<Balancer> {
  const { kind, port, directory } = options;
  const child = spawn(options.binary, options.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroupOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killGroupOnExit);
  child.once('exit', () => process.removeListener('exit', killGroupOnExit));
  const lines = collectOutput(child);
  const output = () => lines.join('\n');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(child, kind, url, port, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { kind, url, port, upstreamOf: options.upstreamOf, output, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function waitUntilServing(
  child: ChildProcess,
  kind: string,
  url: string,
  port: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let last = 'nothing yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${kind} exited during start-up (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    if (await accepts(port)) {
      const response = await fetch(`${url}/health`).catch((error: unknown) => error);
      if (response instanceof Response && response.ok) return;
      last = response instanceof Response ? `HTTP ${response.status}` : String(response);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${kind} did not serve /health on port ${port} within ${startTimeoutMs} ms (${last}):\n${output()}`,
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
