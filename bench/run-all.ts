/**
 * Every benchmark, one after another, each in its own process (so none inherits another's warm caches
 * or garbage): `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  'router-bench.ts',
  'turn-overhead-bench.ts',
  'cross-instance-bench.ts',
  'store-bench.ts',
  'recommend-bench.ts',
  'history-import-bench.ts',
  'history-taste-bench.ts',
];

let failed = 0;
for (const bench of BENCHES) {
  console.log(`\n=== ${bench} ===`);
  const script = fileURLToPath(new URL(bench, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    failed += 1;
    console.error(`${bench} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
