import type { Logger } from '../logger.js';
import type { TurnProgress, TurnProgressStore } from '../store/index.js';
import type { TurnLeases } from './turn-leases.js';

/** How often an instance sharing leases looks for turns whose instance is gone. */
const SCAN_EVERY_MS = 2_000;

export interface OrphanedTurnsOptions {
  store: Pick<TurnProgressStore, 'listTurnProgress'>;
  leases: TurnLeases;
  logger: Logger;
  /** Whether this instance runs (or is already finishing) the turn. */
  isHandledHere(turnId: string): boolean;
  /** Hands a turn to finish over (queued behind its session's turns). */
  adopt(turn: TurnProgress): void;
}

/**
 * Finds turns whose instance is gone: saved progress that has been quiet for the lease's lifetime and
 * whose session nobody holds. Once at start (a restarted instance finds its own), then every few seconds
 * where instances share leases.
 */
export class OrphanedTurns {
  #timer: NodeJS.Timeout | undefined;
  #scanning = false;
  #stopped = false;

  constructor(private readonly options: OrphanedTurnsOptions) {}

  start(): void {
    void this.scan();
    if (!this.options.leases.shared) return;
    this.#timer = setInterval(() => void this.scan(), SCAN_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async scan(): Promise<void> {
    if (this.#scanning || this.#stopped) return;
    this.#scanning = true;
    const { store, leases, logger } = this.options;
    try {
      const quietSince = Date.now() - leases.expiresAfterMs;
      for (const turn of await store.listTurnProgress(50)) {
        if (this.options.isHandledHere(turn.turnId)) continue;
        // A live instance saves progress about every second while it streams…
        if (Date.parse(turn.updatedAt) > quietSince) continue;
        // …and renews its session's lease while the turn runs: a probe tells whether it is still there.
        const probe = await leases.tryAcquire(turn.sessionId);
        if (!probe) continue;
        await probe.release();
        this.options.adopt(turn);
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not look for unfinished turns');
    } finally {
      this.#scanning = false;
    }
  }
}
