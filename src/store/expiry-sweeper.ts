import type { Logger } from '../logger.js';
import type { RecommendationStore } from './store.js';

export interface ExpirySweeper {
  stop(): void;
}

/**
 * Deletes expired recommendations every `intervalMs`. SQLite has no TTL of its own; on MongoDB the TTL
 * index already does this, and the sweep only tightens the delay (the TTL monitor runs once a minute).
 * The timer is unref'd so it never keeps a process alive, and a failed sweep is logged, not thrown.
 */
export function startExpirySweeper(
  store: Pick<RecommendationStore, 'sweepExpired'>,
  options: { intervalMs: number; logger?: Logger },
): ExpirySweeper {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store
      .sweepExpired()
      .then((deleted) => {
        if (deleted > 0) options.logger?.debug({ deleted }, 'swept expired recommendations');
      })
      .catch((error: unknown) => options.logger?.warn({ err: error }, 'expiry sweep failed'))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
