import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryImports } from '../../src/listening/index.js';
import { bundledCatalog, createRecommender } from '../../src/recommend/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

// Wide enough that a loaded machine does not age a fresh job past it between two steps.
const STALE_MS = 400;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const noSink = { importProgress: () => undefined };

let directory: string;
let store: Store;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'echotune-abandoned-'));
  store = await createSqliteStore({ path: ':memory:' });
});

afterAll(async () => {
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** One instance's imports over the shared store; `slowBatchesMs` holds every stored batch that long. */
function instance(slowBatchesMs = 0): HistoryImports {
  const recommender = createRecommender({ tracks: bundledCatalog(), store, historyTtlMs: 0 });
  const slowStore = {
    createImportJob: store.createImportJob.bind(store),
    updateImportJob: store.updateImportJob.bind(store),
    getImportJob: store.getImportJob.bind(store),
    listListeningHistory: store.listListeningHistory.bind(store),
    addListeningHistory: async (events: Parameters<Store['addListeningHistory']>[0]) => {
      await pause(slowBatchesMs);
      return store.addListeningHistory(events);
    },
  };
  return new HistoryImports({ store: slowStore, recommender, staleAfterMs: STALE_MS, batchSize: 2 });
}

/** A job another instance left running when it died: created, started, never saved again. */
async function leftRunning(userId: string) {
  const job = await store.createImportJob({
    userId,
    kind: 'history',
    source: 'StreamingHistory_music_0.json',
  });
  await store.updateImportJob(job.id, { status: 'running' });
  return job;
}

describe('an import whose instance died', () => {
  it('reads as failed, saying to upload again, once it has not been saved for the stale time', async () => {
    const survivor = instance();
    const job = await leftRunning('orphan');
    expect((await survivor.get('orphan', job.id)).status).toBe('running');
    await pause(STALE_MS + 50);
    const read = await survivor.get('orphan', job.id);
    expect(read.status).toBe('failed');
    expect(read.errors).toEqual([expect.stringContaining('upload the files again')]);
    // The store holds it as failed: every instance now reads the same.
    expect((await store.getImportJob(job.id))?.status).toBe('failed');
    // Still the listener's alone.
    await expect(survivor.get('someone-else', job.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a slow import on another instance is kept alive by its heartbeat, and finishes', async () => {
    const rows = bundledCatalog()
      .slice(0, 6)
      .map((track, minute) => ({
        endTime: `2024-01-01 10:0${minute}`,
        artistName: track.artists[0],
        trackName: track.name,
        msPlayed: 200_000,
      }));
    const path = join(directory, 'slow.json');
    writeFileSync(path, JSON.stringify(rows));
    // Three batches of two, each stored after 3 × the stale time: no progress save for that long.
    const [running, other] = [instance(STALE_MS * 3), instance()];
    const started = await running.start(
      'slow',
      [{ fileName: 'StreamingHistory_music_0.json', path, bytes: rows.length }],
      noSink,
    );
    await pause(STALE_MS * 2.25);
    expect((await other.get('slow', started.id)).status).toBe('running');
    await running.idle();
    const finished = await other.get('slow', started.id);
    expect(finished.status).toBe('done');
    expect(finished.report.plays).toBe(6);
  });
});
