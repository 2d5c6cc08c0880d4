import type { ChaosActions } from './topology.js';

export interface ChaosEvent {
  what: string;
  atSeconds: number;
  /** From the outage's start until the part was serving again. */
  tookMs: number;
  /** For an instance killed: the turns it was running when it died. */
  turnsCut?: number;
}

const OUTAGE_MS = 1_500;
/** How long the kill waits for its instance to run a turn before it kills it idle. */
const TURN_WAIT_MS = 10_000;

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Polls until the instance runs a turn, or TURN_WAIT_MS passed: the last reading. */
async function untilTurnRunning(actions: ChaosActions, index: number): Promise<number> {
  const deadline = performance.now() + TURN_WAIT_MS;
  for (;;) {
    const running = await actions.turnsRunning(index);
    if (running > 0 || performance.now() > deadline) return running;
    await pause(20);
  }
}

/**
 * The outages of a chaos run, one after another while the load runs: Redis restarted at 15 % of the
 * run, the store crashed (SIGKILL) at 30 % and stopped gracefully (SIGTERM, as an operator restarts it)
 * at 45 %, and from 70 % on, as soon as it runs a turn, the last instance killed with SIGKILL (no drain,
 * its turns cut off mid-stream) and started again. Each part is down OUTAGE_MS.
 */
export async function runChaos(
  actions: ChaosActions,
  options: { seconds: number; instances: number; log: (line: string) => void },
): Promise<ChaosEvent[]> {
  const started = performance.now();
  const victim = options.instances - 1;
  const plan: Array<{
    share: number;
    what: string;
    act: () => Promise<void>;
    turnsCut?: () => Promise<number>;
  }> = [
    { share: 0.15, what: 'Redis restarted', act: () => actions.restartRedis(OUTAGE_MS) },
    {
      share: 0.3,
      what: 'store (FerretDB) killed and restarted',
      act: () => actions.restartStore(OUTAGE_MS, 'SIGKILL'),
    },
    {
      share: 0.45,
      what: 'store (FerretDB) stopped gracefully and restarted',
      act: () => actions.restartStore(OUTAGE_MS, 'SIGTERM'),
    },
    {
      share: 0.7,
      what: `instance ${options.instances} killed (SIGKILL) mid-turn and started again`,
      act: () => actions.killInstance(victim, OUTAGE_MS),
      turnsCut: () => untilTurnRunning(actions, victim),
    },
  ];
  const events: ChaosEvent[] = [];
  for (const step of plan) {
    const due = started + step.share * options.seconds * 1000;
    await pause(Math.max(0, due - performance.now()));
    const turnsCut = await step.turnsCut?.();
    const at = performance.now();
    options.log(`chaos: ${step.what}`);
    await step.act();
    events.push({
      what: step.what,
      atSeconds: (at - started) / 1000,
      tookMs: performance.now() - at,
      ...(turnsCut === undefined ? {} : { turnsCut }),
    });
  }
  return events;
}
