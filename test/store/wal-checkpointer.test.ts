import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/index.js';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';
import { WalCheckpointer } from '../../src/store/sqlite/wal-checkpointer.js';

const directory = mkdtempSync(join(tmpdir(), 'echotune-wal-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileNumber = 0;

function openDatabase(): { database: Database; walPath: string } {
  fileNumber += 1;
  const path = join(directory, `wal-${fileNumber}.db`);
  const database = openSqliteDatabase(path);
  database.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  return { database, walPath: `${path}-wal` };
}

/**
 * Many small commits, as chat turns make them, each at least a page; with `pauseMs` a pause after every
 * hundred. Returns the largest WAL size seen.
 */
async function writeCommits(database: Database, count: number, pauseMs = 0): Promise<number> {
  const insert = database.prepare('INSERT INTO notes (text) VALUES (?)');
  let largestWal = 0;
  for (let index = 0; index < count; index += 1) {
    insert.run(`note ${index} ${'x'.repeat(500)}`);
    if (index % 100 === 99) {
      if (pauseMs > 0) await sleep(pauseMs);
      largestWal = Math.max(largestWal, statSync(`${database.name}-wal`).size);
    }
  }
  return largestWal;
}

const megabytes = (count: number) => count * 1024 * 1024;

const autoCheckpointPages = (database: Database) =>
  database.pragma('wal_autocheckpoint', { simple: true }) as number;

describe('WAL checkpoints on a thread of their own', () => {
  it('keeps the WAL small while the connection itself never checkpoints', async () => {
    const { database } = openDatabase();
    const checkpointer = new WalCheckpointer(database, { intervalMs: 10 });
    expect(autoCheckpointPages(database)).toBe(0);
    // 3000 commits of a page or more: without any checkpoint the WAL would pass 12 MB (~16 MB measured).
    const largestWal = await writeCommits(database, 3000, 20);
    expect(largestWal).toBeLessThan(megabytes(6));
    expect(database.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 3000 });
    await checkpointer.stop();
    database.close();
  });

  it('bounds the WAL under commits without a pause, where passive checkpoints never catch up', async () => {
    const { database } = openDatabase();
    const checkpointer = new WalCheckpointer(database, { intervalMs: 5, restartAfterPages: 300 });
    await checkpointer.ready;
    const insert = database.prepare('INSERT INTO notes (text) VALUES (?)');
    let [commits, largestWal] = [0, 0];
    // A busy instance for half a second: a commit every ~0.2 ms, other work in between and never a pause
    // long enough for a passive checkpoint to reach the end of the WAL.
    for (const until = performance.now() + 500; performance.now() < until; commits += 1) {
      insert.run(`note ${commits} ${'x'.repeat(500)}`);
      for (const next = performance.now() + 0.2; performance.now() < next; );
      if (commits % 50 === 0) largestWal = Math.max(largestWal, statSync(`${database.name}-wal`).size);
    }
    // Each commit appends at least one 4 KB page: without the restart the WAL holds all of them.
    expect(commits).toBeGreaterThan(500);
    expect(largestWal).toBeLessThan((commits * 4096) / 2);
    await checkpointer.stop();
    database.close();
  });

  it('gives checkpoints back to the connection when the thread ends unasked', async () => {
    const { database } = openDatabase();
    const checkpointer = new WalCheckpointer(database, { intervalMs: 10 });
    await checkpointer.thread.terminate();
    expect(autoCheckpointPages(database)).toBe(1000);
    await checkpointer.stop();
    database.close();
  });

  it('stops in order: the last connection then folds the WAL in and removes it', async () => {
    const { database, walPath } = openDatabase();
    const checkpointer = new WalCheckpointer(database, { intervalMs: 10 });
    await writeCommits(database, 200);
    await checkpointer.stop();
    expect(autoCheckpointPages(database)).toBe(0);
    database.close();
    expect(existsSync(walPath)).toBe(false);
  });

  it('runs for a file store and not for an in-memory one', async () => {
    const file = await createSqliteStore({ path: join(directory, 'store.db') });
    const memory = await createSqliteStore({ path: ':memory:' });
    expect(file.kind).toBe('sqlite');
    expect(file.checkpointer).toBeInstanceOf(WalCheckpointer);
    expect(memory.checkpointer).toBeNull();
    await Promise.all([file.close(), memory.close()]);
  });

  it('keeps a process whose last wait is closing the store alive until the close is done', () => {
    // A CLI ends with `await store.close()`; an unref'd thread's exit must not let the process end there.
    const script = `
      import { createSqliteStore } from './src/store/index.ts';
      const store = await createSqliteStore({ path: ${JSON.stringify(join(directory, 'cli.db'))} });
      await store.close();
      console.log('after close');
      process.exitCode = 3;
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stdout).toContain('after close');
    expect(child.status).toBe(3);
  });
});
