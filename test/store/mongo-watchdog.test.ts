import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { startFerretDb } from '../support/ferretdb.js';

// A FerretDB of its own: this file stops and restarts it.
const ferret = await startFerretDb();
afterAll(async () => {
  await ferret?.stop();
});

const TIMEOUT_MS = 1_000;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A store kept busy by a few workers, each creating and reading back sessions; counts what succeeded. */
function keepBusy(store: Store, workers: number) {
  const counts = { succeeded: 0, failed: 0, lastSuccessAt: Date.now() };
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) {
      try {
        const session = await store.createSession({ userId: `w${worker}`, title: 'busy' });
        await store.getSession(session.id);
        counts.succeeded += 1;
        counts.lastSuccessAt = Date.now();
      } catch (error) {
        // Every failure is the store's retryable one, never a hang or a raw driver error.
        expect(error).toMatchObject({ code: 'unavailable', retryable: true });
        counts.failed += 1;
        await pause(50);
      }
    }
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe.skipIf(ferret === null)('the MongoDB store after its server stops gracefully', () => {
  it('reaches the restarted server again: a client that cannot is replaced by one that can', async () => {
    const stores = await Promise.all(
      [0, 1, 2, 3].map((index) =>
        createMongoStore({
          config: {
            MONGODB_URI: ferret!.uri,
            MONGODB_DB: `watchdog_${index}`,
            MONGODB_TIMEOUT_MS: TIMEOUT_MS,
            MONGODB_MAX_POOL_SIZE: 20,
          },
        }),
      ),
    );
    const loads = stores.map((store) => keepBusy(store, 5));
    try {
      await pause(1_000);
      // Two graceful stops (SIGTERM: FerretDB keeps its connections open ~3 s), each down 1.5 s: after
      // such a stop most driver clients used to fail every operation forever.
      for (let restart = 0; restart < 2; restart++) {
        await ferret!.restart(1_500, 'SIGTERM');
        const back = Date.now();
        // The watchdog judges after 2 × MONGODB_TIMEOUT_MS without a success; a few seconds more to connect.
        const deadline = back + 6 * TIMEOUT_MS + 5_000;
        while (Date.now() < deadline && loads.some((load) => load.counts.lastSuccessAt < back)) {
          await pause(100);
        }
        const served = loads.map((load) => load.counts.lastSuccessAt >= back);
        expect(served).toEqual([true, true, true, true]);
      }
      // And the stores still do their work: every one created and read sessions after the last restart.
      const before = loads.map((load) => load.counts.succeeded);
      await pause(500);
      loads.forEach((load, index) => {
        expect(load.counts.succeeded).toBeGreaterThan(before[index]!);
      });
      expect(await stores[0]!.ping()).toBeUndefined();
    } finally {
      await Promise.all(loads.map((load) => load.stop()));
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 90_000);
});
