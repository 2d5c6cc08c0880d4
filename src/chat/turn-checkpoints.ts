import type { Logger } from '../logger.js';
import type { NewTurnProgress, TurnProgressStore } from '../store/index.js';

/** How often a streaming turn saves what it has said (at most; the first words are saved at once). */
const checkpointEveryMs = 1_000;

/**
 * Saves a running turn's progress now and then, in order and without holding up its deltas, so a turn
 * whose instance dies can be finished elsewhere. Failures are logged: a missed checkpoint only means a
 * finishing instance repeats a little more.
 */
export class TurnCheckpoints {
  #chain: Promise<void> = Promise.resolve();
  #lastSavedAt = 0;
  #saved = false;

  constructor(
    private readonly store: TurnProgressStore,
    /** The turn's logger: its lines name the session and the turn. */
    private readonly logger: Logger,
  ) {}

  /** Saves when due (or `now`, e.g. after recommendations were shown). */
  offer(progress: () => NewTurnProgress, now = false): void {
    const due = now || !this.#saved || Date.now() - this.#lastSavedAt >= checkpointEveryMs;
    if (!due) return;
    this.#saved = true;
    this.#lastSavedAt = Date.now();
    const snapshot = progress();
    this.#enqueue(() => this.store.saveTurnProgress(snapshot));
  }

  /** The reply is stored: the progress is not needed any more. Resolves when every save has settled. */
  async finish(turnId: string): Promise<void> {
    if (this.#saved) this.#enqueue(() => this.store.deleteTurnProgress(turnId));
    await this.#chain;
  }

  #enqueue(write: () => Promise<void>): void {
    this.#chain = this.#chain.then(write).catch((error: unknown) => {
      this.logger.warn({ error: String(error) }, 'could not save turn progress');
    });
  }
}
