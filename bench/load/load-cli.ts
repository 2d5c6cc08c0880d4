/**
 * `npm run load`: N socket.io clients speaking the real chat protocol at a given rate of turns against
 * EchoTune (one instance on SQLite, or several behind HAProxy with Redis and FerretDB), replies streamed
 * by a local OpenAI-wire upstream that can mix provider faults in; `--chaos` restarts Redis and the store
 * and kills an instance during the load. Prints the figures and the thresholds; exits 1 with one line per
 * breached threshold, 2 on a refused command line. README "Load and chaos" has the flags and the rules.
 */
import { LoadOptionsError, parseLoadOptions } from './load-options.js';
import { printLoadReport } from './load-report.js';
import { runLoad } from './run-load.js';
import { breachLines, checkThresholds } from './thresholds.js';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseLoadOptions>;
  try {
    options = parseLoadOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof LoadOptionsError)) throw error;
    console.error(error.message);
    return 2;
  }
  const started = performance.now();
  const result = await runLoad(options, (line) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  );
  const checks = checkThresholds(result);
  printLoadReport(result, checks);
  const breaches = breachLines(checks);
  for (const line of breaches) console.error(line);
  return breaches.length > 0 ? 1 : 0;
}

process.exit(await main());
