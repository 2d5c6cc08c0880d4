import type { ErrorCode } from '../../src/protocol/index.js';

/** What a listener did or met, counted per interval of the run. */
export type TimelineEvent = 'send' | 'ack' | 'ack_timeout' | ErrorCode | 'done' | 'abandoned';

/** One interval of the run: how often each event happened in it. */
export interface TimelineInterval {
  fromSeconds: number;
  counts: Partial<Record<TimelineEvent, number>>;
}

/**
 * Counts by interval, so a run that goes wrong shows when: a collapse after an outage reads differently
 * from a slow decline. Intervals are a tenth of the run, at least 5 s.
 */
export class Timeline {
  readonly intervalSeconds: number;
  #started = performance.now();
  readonly #intervals: TimelineInterval[] = [];

  constructor(runSeconds: number) {
    this.intervalSeconds = Math.max(5, Math.ceil(runSeconds / 10));
  }

  /** The run's first arrival: interval 0 starts here. */
  start(): void {
    this.#started = performance.now();
  }

  record(event: TimelineEvent): void {
    const seconds = Math.max(0, (performance.now() - this.#started) / 1000);
    const index = Math.floor(seconds / this.intervalSeconds);
    for (let next = this.#intervals.length; next <= index; next += 1)
      this.#intervals.push({ fromSeconds: next * this.intervalSeconds, counts: {} });
    const { counts } = this.#intervals[index]!;
    counts[event] = (counts[event] ?? 0) + 1;
  }

  get intervals(): TimelineInterval[] {
    return this.#intervals;
  }
}
