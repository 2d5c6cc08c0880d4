import type { Overhead } from '../turn-overhead/turns.js';
import { TURN_MS } from '../turn-overhead/upstream.js';

/** How the N turns arrive: kept in flight (staggered, back to back) or all at the same instant. */
export type Shape = 'steady' | 'burst';
export const SHAPES: readonly Shape[] = ['steady', 'burst'];

export interface Batch {
  overheads: Overhead[];
  /** Every turn that ran, counted or not (the ramp's too): what the side's CPU was spent on. */
  turnsRun: number;
  errors: number;
  firstError: string | null;
}

type Turn = (slot: number) => Promise<Overhead>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs turns, turning a failure into a count (a refusing gateway is a result, not a crash). */
function recorder(turn: Turn) {
  const batch: Batch = { overheads: [], turnsRun: 0, errors: 0, firstError: null };
  const run = async (slot: number, counted: boolean): Promise<void> => {
    try {
      const overhead = await turn(slot);
      if (counted) batch.overheads.push(overhead);
    } catch (error) {
      batch.errors += 1;
      batch.firstError ??= error instanceof Error ? error.message : String(error);
      // A side failing at once must not spin its workers at full speed.
      await sleep(100);
    }
    batch.turnsRun += 1;
  };
  return { batch, run };
}

/**
 * N workers, each starting at a random point of one reply's length and then running turns back to
 * back. Only turns started after one reply's length count: by then all N are streaming, so each counted
 * turn meets about N others in flight (the ramp's turns meet fewer). Workers stop starting turns once
 * `samples` counted ones have started; the others still streaming then finish.
 */
export async function steady(level: number, samples: number, turn: Turn): Promise<Batch> {
  const { batch, run } = recorder(turn);
  const countFrom = performance.now() + TURN_MS;
  let counted = 0;
  const worker = async (slot: number) => {
    await sleep(Math.random() * TURN_MS);
    for (;;) {
      const counts = performance.now() >= countFrom;
      if (counts && counted >= samples) return;
      if (counts) counted += 1;
      await run(slot, counts);
    }
  };
  await Promise.all(Array.from({ length: level }, (_, slot) => worker(slot)));
  return batch;
}

/** N turns sent at the same instant, again once all have finished, until `samples` have run. */
export async function burst(level: number, samples: number, turn: Turn): Promise<Batch> {
  const { batch, run } = recorder(turn);
  for (let sent = 0; sent < samples; sent += level) {
    await Promise.all(Array.from({ length: level }, (_, slot) => run(slot, true)));
  }
  return batch;
}

export const runShape = (shape: Shape, level: number, samples: number, turn: Turn): Promise<Batch> =>
  shape === 'steady' ? steady(level, samples, turn) : burst(level, samples, turn);
