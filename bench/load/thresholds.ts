import { percentile } from '../turn-overhead/turns.js';
import { SOAK_RULE } from './heap-growth.js';
import { type LoadResult, perConnection } from './load-result.js';

export interface Check {
  what: string;
  value: number;
  limit: number;
  /** How the value is printed (the unit follows the number). */
  unit: string;
  passed: boolean;
}

/**
 * Latency limits are loose on purpose: they catch a harness or a server that has stopped coping on a
 * shared 2-core machine, not milliseconds (bench/turn-overhead-bench.ts measures those). Several
 * instances share FerretDB on PostgreSQL, the MongoDB stand-in, where a message append takes 4–8 ms
 * (docs/store.md) against SQLite's 0.1: every send waits for its append there, and outages (chaos) push
 * the slowest acks to seconds while the driver reconnects. The counts admit no exception.
 */
const LIMITS = {
  ackP99Ms: { sqlite: 1_000, ferretdb: 5_000 },
  overheadP50Ms: { sqlite: 50, ferretdb: 250 },
  overheadP99Ms: { sqlite: 500, ferretdb: 5_000 },
  /**
   * Clients connected but idle (the target at 20,000 connections is 10 KB). Judged only from
   * MIN_CLIENTS_PER_INSTANCE up: below that a process's own drift (JIT, allocator) outweighs the sockets,
   * and 50 clients have measured anywhere from 11 to 490 KB each.
   */
  rssPerConnectionKb: 512,
  minClientsPerInstanceForMemory: 1_000,
  /** Arrivals that found every client busy: the server no longer keeps up with the offered rate. */
  noIdleClientShare: 0.01,
};

const atMost = (what: string, value: number, limit: number, unit: string): Check => ({
  what,
  value,
  limit,
  unit,
  passed: value <= limit,
});

/** Every threshold of a run, passed or not (a NaN value, nothing measured, fails). */
export function checkThresholds(result: LoadResult): Check[] {
  const mode = result.options.instances > 1 ? 'ferretdb' : 'sqlite';
  const { outcomes, store, memory } = result;
  const acks = outcomes.flatMap((outcome) => outcome.ackMs);
  const overheads = outcomes.flatMap((outcome) => outcome.overheadMs ?? []);
  const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
  const checks: Check[] = [
    atMost('user messages lost (store)', store.lost, 0, ''),
    atMost('user messages duplicated (store)', store.duplicated + store.unexpected, 0, ''),
    atMost('messages without a finished reply (store)', store.unanswered, 0, ''),
    atMost('messages answered twice (store)', store.answeredTwice, 0, ''),
    atMost('turns failed without retryable', count('failed'), 0, ''),
    atMost('turns abandoned (no reply in 60 s)', count('abandoned'), 0, ''),
    atMost(
      'arrivals with no idle client',
      result.noIdleClient / result.offered,
      LIMITS.noIdleClientShare,
      '',
    ),
    atMost('ack latency p99', percentile(acks, 99), LIMITS.ackP99Ms[mode], ' ms'),
    atMost(
      'overhead before the first delta p50',
      percentile(overheads, 50),
      LIMITS.overheadP50Ms[mode],
      ' ms',
    ),
    atMost(
      'overhead before the first delta p99',
      percentile(overheads, 99),
      LIMITS.overheadP99Ms[mode],
      ' ms',
    ),
  ];
  if (memory.clients / result.options.instances >= LIMITS.minClientsPerInstanceForMemory) {
    checks.push(
      atMost(
        'RSS per idle connection',
        perConnection(memory.connected.rssBytes, memory.baseline.rssBytes, memory.clients) / 1024,
        LIMITS.rssPerConnectionKb,
        ' KB',
      ),
    );
  }
  if (result.options.soak !== undefined) checks.push(...soakChecks(result));
  // A NaN fails: a figure that could not be measured proves nothing.
  return checks.map((check) => ({ ...check, passed: check.passed && !Number.isNaN(check.value) }));
}

/**
 * The soak rule (heap-growth.ts) for each process that ran through most of the soak; one started again
 * late in a chaos run has too short a series to judge and is left out. No judged series at all fails.
 */
function soakChecks(result: LoadResult): Check[] {
  const judged = result.heap.filter(
    ({ samples }) =>
      samples.length > 0 && samples.at(-1)!.atSeconds - samples[0]!.atSeconds >= result.seconds / 2,
  );
  if (judged.length === 0) return [atMost('soak: processes with a heap series to judge', 0, -1, '')];
  return judged.map(({ series, growth }) => ({
    what: `soak: heap floor slope, ${series}: ${growth.verdict}, last third ${(growth.thirdsGrowth * 100).toFixed(1)} % over the first`,
    value: growth.slopeMbPerMinute,
    limit: SOAK_RULE.MAX_SLOPE_MB_PER_MINUTE,
    unit: ' MB/min',
    passed: growth.verdict === 'steady',
  }));
}

/** One line per breached threshold, as the CLI prints them before exiting 1. */
export function breachLines(checks: Check[]): string[] {
  return checks
    .filter((check) => !check.passed)
    .map(
      (check) =>
        `THRESHOLD BREACHED: ${check.what} = ${format(check.value)}${check.unit} (limit ${format(check.limit)}${check.unit})`,
    );
}

export const format = (value: number) =>
  Number.isFinite(value) ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : String(value);
