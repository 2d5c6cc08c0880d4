/**
 * Store benchmark: message append throughput and latency, and reading 50 messages of history, for the
 * SQLite adapter (the baseline) and the MongoDB adapter on FerretDB, measured in the same run.
 * Run: npx tsx bench/store-bench.ts   (bounded: every phase stops at its count or its time budget)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Store } from '../src/store/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { createMongoStore } from '../src/store/mongo/index.js';
import { startFerretDb } from '../test/support/ferretdb.js';

const appendCount = 2_000;
const concurrentSessions = 8;
const readCount = 1_000;
const phaseBudgetMs = 6_000;

interface Figures {
  appendsPerSecond: number;
  appendP50: number;
  appendP99: number;
  concurrentAppendsPerSecond: number;
  readP50: number;
  readP99: number;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** Runs `operation` up to `count` times or until the budget is spent; returns each call's latency. */
async function timeEach(count: number, operation: (index: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const started = performance.now();
  for (let index = 0; index < count && performance.now() - started < phaseBudgetMs; index += 1) {
    const before = performance.now();
    await operation(index);
    latencies.push(performance.now() - before);
  }
  return { latencies, elapsedMs: performance.now() - started };
}

async function measureSequentialAppends(store: Store) {
  const session = await store.createSession({ userId: 'bench', title: 'sequential' });
  const run = await timeEach(appendCount, (index) =>
    store.appendMessage({
      sessionId: session.id,
      role: 'user',
      text: `message ${index}`,
      clientMsgId: `c${index}`,
    }),
  );
  return { session, ...run };
}

/** Several sessions appending at once, as several chats on one instance would. */
async function measureConcurrentAppends(store: Store): Promise<number> {
  const sessions = await Promise.all(
    Array.from({ length: concurrentSessions }, (_, index) =>
      store.createSession({ userId: 'bench', title: `c${index}` }),
    ),
  );
  const perSession = Math.floor(appendCount / concurrentSessions);
  const runs = await Promise.all(
    sessions.map((session) =>
      timeEach(perSession, (index) =>
        store.appendMessage({ sessionId: session.id, role: 'user', text: `m${index}` }),
      ),
    ),
  );
  const appended = runs.reduce((sum, run) => sum + run.latencies.length, 0);
  const elapsedMs = Math.max(...runs.map((run) => run.elapsedMs));
  return (appended / elapsedMs) * 1000;
}

async function measure(store: Store): Promise<Figures> {
  const appends = await measureSequentialAppends(store);
  const concurrentAppendsPerSecond = await measureConcurrentAppends(store);
  const reads = await timeEach(readCount, () => store.recentMessages(appends.session.id, 50));
  return {
    appendsPerSecond: (appends.latencies.length / appends.elapsedMs) * 1000,
    appendP50: percentile(appends.latencies, 0.5),
    appendP99: percentile(appends.latencies, 0.99),
    concurrentAppendsPerSecond,
    readP50: percentile(reads.latencies, 0.5),
    readP99: percentile(reads.latencies, 0.99),
  };
}

const rows: Array<{ label: string; key: keyof Figures; digits: number }> = [
  { label: 'appends/s (1 session, sequential)', key: 'appendsPerSecond', digits: 0 },
  { label: 'append p50 ms', key: 'appendP50', digits: 3 },
  { label: 'append p99 ms', key: 'appendP99', digits: 3 },
  {
    label: `appends/s (${concurrentSessions} sessions, concurrent)`,
    key: 'concurrentAppendsPerSecond',
    digits: 0,
  },
  { label: 'read 50 messages p50 ms', key: 'readP50', digits: 3 },
  { label: 'read 50 messages p99 ms', key: 'readP99', digits: 3 },
];

function printTable(results: Array<{ name: string; figures: Figures }>): void {
  const baseline = results[0]!;
  const header = [
    'metric',
    ...results.map((result) => result.name),
    ...results.slice(1).map((r) => `${r.name}/${baseline.name}`),
  ];
  const body = rows.map((row) => [
    row.label,
    ...results.map((result) => result.figures[row.key].toFixed(row.digits)),
    ...results
      .slice(1)
      .map((result) => `${(result.figures[row.key] / baseline.figures[row.key]).toFixed(2)}x`),
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...body.map((line) => line[column]!.length)),
  );
  const format = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const line of body) console.log(format(line));
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'echotune-store-bench-'));
  const results: Array<{ name: string; figures: Figures }> = [];
  const ferret = await startFerretDb();
  try {
    const sqlite = await createSqliteStore({ path: join(directory, 'bench.db') });
    results.push({ name: 'sqlite', figures: await measure(sqlite) });
    await sqlite.close();
    if (ferret !== null) {
      const mongo = await createMongoStore({
        config: {
          MONGODB_URI: ferret.uri,
          MONGODB_DB: 'bench',
          MONGODB_TIMEOUT_MS: 5_000,
          MONGODB_MAX_POOL_SIZE: 20,
        },
      });
      results.push({ name: 'mongo(ferretdb)', figures: await measure(mongo) });
      await mongo.close();
    }
  } finally {
    await ferret?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(
    `store bench: node ${process.version}, up to ${appendCount} appends and ${readCount} reads per phase`,
  );
  printTable(results);
}

await main();
