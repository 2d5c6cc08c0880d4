import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const inCI = process.env.CI === 'true';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Decides what a test does when something it needs (a server binary, a dataset) is missing:
 * under CI=true it fails loudly; elsewhere it skips and says why. Returns true when it must skip.
 */
export function missing(what: string, why: string): boolean {
  if (inCI) throw new Error(`${what} is required under CI=true but ${why}`);
  console.warn(`[skipping] ${what}: ${why} (runs under CI=true, where it is required)`);
  return true;
}

/** Path to a file in ../shared/data (kept outside the repository), or null when it is absent. */
export function sharedDataset(name: string): string | null {
  const path = resolve(repoRoot, '..', 'shared', 'data', name);
  return existsSync(path) ? path : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
