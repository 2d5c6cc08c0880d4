import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killWithParent, stopChild } from './child-lifetime.js';
import { freePort, missing } from './environment.js';

/** A private PostgreSQL cluster on loopback (FerretDB's PostgreSQL backend stores into it). */
export interface PostgresServer {
  /** postgres://ferret@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  url: string;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

/** PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout); null when neither has a server. */
export function findPostgresBinaries(): string | null {
  const hasServer = (directory: string) =>
    existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'postgres'));
  if (process.env.PG_BIN !== undefined) return hasServer(process.env.PG_BIN) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((left, right) => Number(right) - Number(left));
  return versions.map((version) => join(root, version, 'bin')).find(hasServer) ?? null;
}

/** PostgreSQL refuses to run as root: as root, its files and processes belong to the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a throw-away cluster (initdb in a temp dir, durability off: a test cluster is never recovered)
 * on a free loopback port and waits until it accepts connections. Null when PostgreSQL is not installed
 * and the caller should skip (under CI=true that throws instead; see missing()).
 */
export async function startPostgres(): Promise<PostgresServer | null> {
  const binaries = findPostgresBinaries();
  if (binaries === null) {
    missing('PostgreSQL', 'no initdb/postgres found (apt-get install postgresql, or set PG_BIN)');
    return null;
  }
  const directory = mkdtempSync(join(tmpdir(), 'echotune-postgres-'));
  const user = serverUser();
  try {
    if (user) chownSync(directory, user.uid, user.gid);
    const data = join(directory, 'data');
    execFileSync(
      join(binaries, 'initdb'),
      ['-D', data, '-U', 'ferret', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      { stdio: 'pipe', ...user },
    );
    const port = await freePort();
    const child = spawn(
      join(binaries, 'postgres'),
      [
        ...['-D', data, '-p', String(port), '-k', directory],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
        ...['-c', 'full_page_writes=off'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...user },
    );
    killWithParent(child);
    await untilReady(child);
    return {
      url: `postgres://ferret@127.0.0.1:${port}/postgres`,
      stop: async () => {
        // SIGINT is PostgreSQL's fast shutdown: sessions end at once, nothing is waited for.
        await stopChild(child, 'SIGINT', stopTimeoutMs);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** PostgreSQL accepts TCP while it still recovers; its log says when it takes queries. */
function untilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not start within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('database system is ready to accept connections')) return;
      clearTimeout(timer);
      // Still drained (a full pipe would stall the server), no longer kept.
      child.stdout?.off('data', read).resume();
      child.stderr?.off('data', read).resume();
      resolve();
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${code}) during start-up:\n${output}`));
    });
  });
}
