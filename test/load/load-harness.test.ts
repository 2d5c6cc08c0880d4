import { describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../../bench/load/cluster.js';
import type { emptyFaultCounts } from '../../bench/load/faults.js';
import type { LoadOptions } from '../../bench/load/load-options.js';
import { printLoadReport } from '../../bench/load/load-report.js';
import { runLoad } from '../../bench/load/run-load.js';
import { breachLines, checkThresholds } from '../../bench/load/thresholds.js';
import { missing } from '../support/environment.js';
import { findFerretDbBinary } from '../support/ferretdb.js';

const log = (line: string) => console.info(`load: ${line}`);

/** Runs the harness as `npm run load` does, prints its report, and returns its breached thresholds. */
async function run(options: LoadOptions) {
  const result = await runLoad(options, log);
  const checks = checkThresholds(result);
  printLoadReport(result, checks);
  return { result, breaches: breachLines(checks) };
}

const injected = (faults: ReturnType<typeof emptyFaultCounts>) =>
  Object.entries(faults).reduce((total, [kind, times]) => total + (kind === 'clean' ? 0 : times), 0);

describe('npm run load at a small size', () => {
  it('one instance, 50 clients, 10 turns/s for 30 s with 10 % provider faults: within every threshold', async () => {
    const { result, breaches } = await run({
      clients: 50,
      rate: 10,
      duration: 30,
      faults: 0.1,
      instances: 1,
      chaos: false,
    });
    expect(breaches).toEqual([]);
    expect(result.outcomes).toHaveLength(300);
    expect(injected(result.faults)).toBeGreaterThan(0);
    expect(result.store.sent).toBe(300);
  }, 150_000);

  const unavailable = clusterUnavailable() ?? (findFerretDbBinary() ? null : 'FerretDB is not installed');
  const skipCluster = unavailable !== null && missing('the 3-instance chaos run', unavailable);

  it.skipIf(skipCluster)(
    'three instances behind HAProxy on Redis and FerretDB, with Redis restarted, the store crashed and stopped gracefully, and an instance killed: nothing lost or answered twice',
    async () => {
      // Small on purpose: three instances, Redis, FerretDB and PostgreSQL share the 2 cores with the suite.
      const { result, breaches } = await run({
        clients: 30,
        rate: 2,
        duration: 30,
        faults: 0.1,
        instances: 3,
        chaos: true,
      });
      expect(breaches).toEqual([]);
      expect(result.chaos.map((event) => event.what)).toHaveLength(4);
      // The kill must have cut turns off mid-stream, or the run proved nothing about an instance dying.
      expect(result.chaos.at(-1)?.turnsCut).toBeGreaterThan(0);
    },
    180_000,
  );
});
