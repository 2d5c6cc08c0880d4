import type { Listener } from './listener.js';
import type { TurnOutcome } from './turn-outcome.js';

export interface Arrivals {
  outcomes: TurnOutcome[];
  /** Arrivals that found every client busy with a turn (the offered rate exceeds what N clients carry). */
  noIdleClient: number;
}

/**
 * Turns arrive at `rate` per second for `seconds` (open loop, on a fixed schedule, so a slow server
 * does not slow the arrivals); each goes to an idle client, which holds one turn at a time. Resolves
 * once the last turn started has ended. `onTick` runs about once a second (progress, chaos).
 */
export async function runArrivals(
  listeners: Listener[],
  options: { rate: number; seconds: number; onTick?: (elapsedSeconds: number) => void },
): Promise<Arrivals> {
  const idle = [...listeners];
  const running: Promise<void>[] = [];
  const outcomes: TurnOutcome[] = [];
  const turnsOf = new Map<Listener, number>(listeners.map((listener) => [listener, 0]));
  const intervalMs = 1000 / options.rate;
  const total = Math.floor(options.rate * options.seconds);
  const started = performance.now();
  let noIdleClient = 0;
  let lastTick = 0;
  for (let arrival = 0; arrival < total; arrival += 1) {
    const due = started + arrival * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const elapsed = Math.floor((performance.now() - started) / 1000);
    if (elapsed > lastTick) {
      lastTick = elapsed;
      options.onTick?.(elapsed);
    }
    const listener = idle.shift();
    if (!listener) {
      noIdleClient += 1;
      continue;
    }
    const turn = turnsOf.get(listener)!;
    turnsOf.set(listener, turn + 1);
    const clientMsgId = `c${listeners.indexOf(listener)}-t${turn}`;
    running.push(
      listener.converse(clientMsgId).then((outcome) => {
        outcomes.push(outcome);
        idle.push(listener);
      }),
    );
  }
  await Promise.all(running);
  return { outcomes, noIdleClient };
}
