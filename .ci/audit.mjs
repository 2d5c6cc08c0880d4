// `npm audit --omit=dev --audit-level=high`, telling a refusal of the audit service (this machine's
// registry answers 405) apart from vulnerabilities found: the first is reported and passes, the second fails.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`npm audit printed no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (counts === undefined) {
  console.log(
    `npm audit: the advisory service is unavailable here (${report.message ?? 'no report'}); not checked`,
  );
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit (production dependencies): ${JSON.stringify(counts)}`);
if (serious > 0) {
  for (const [name, finding] of Object.entries(report.vulnerabilities ?? {})) {
    if (finding.severity === 'high' || finding.severity === 'critical')
      console.log(`  ${finding.severity}: ${name}`);
  }
  process.exit(1);
}
