import type { ChaosActions } from './topology.js';

export interface ChaosEvent {
  what: string;
  atSeconds: number;
  /** From the outage's start until the part was serving again. */
  tookMs: number;
}

const OUTAGE_MS = 1_500;

/**
 * The outages of a chaos run, one after another while the load runs: Redis restarted at a fifth of the
 * run, the store at 45 %, and at 70 % the last instance killed with SIGKILL (no drain, its turns cut
 * off mid-stream) and started again. Each part is down OUTAGE_MS.
 */
export async function runChaos(
  actions: ChaosActions,
  options: { seconds: number; instances: number; log: (line: string) => void },
): Promise<ChaosEvent[]> {
  const started = performance.now();
  const plan: Array<{ share: number; what: string; act: () => Promise<void> }> = [
    { share: 0.2, what: 'Redis restarted', act: () => actions.restartRedis(OUTAGE_MS) },
    { share: 0.45, what: 'store (FerretDB) restarted', act: () => actions.restartStore(OUTAGE_MS) },
    {
      share: 0.7,
      what: `instance ${options.instances} killed (SIGKILL) and started again`,
      act: () => actions.killInstance(options.instances - 1, OUTAGE_MS),
    },
  ];
  const events: ChaosEvent[] = [];
  for (const step of plan) {
    const due = started + step.share * options.seconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const at = performance.now();
    options.log(`chaos: ${step.what}`);
    await step.act();
    events.push({ what: step.what, atSeconds: (at - started) / 1000, tookMs: performance.now() - at });
  }
  return events;
}
