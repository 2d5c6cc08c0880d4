import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryImports } from '../../src/listening/index.js';
import type { HistoryImport } from '../../src/protocol/index.js';
import {
  bundledCatalog,
  createRecommender,
  type Engine,
  recommendQuerySchema,
} from '../../src/recommend/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { genreShare, oneGenreHistory } from '../support/taste-fixtures.js';

const catalog = bundledCatalog();
let directory: string;
let store: Store;
let engine: Engine;
let imports: HistoryImports;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'echotune-taste-'));
  store = await createSqliteStore({ path: ':memory:' });
  await store.upsertTracks(catalog);
  engine = createRecommender({ tracks: catalog, store, historyTtlMs: 0 });
  imports = new HistoryImports({ store, recommender: engine });
});

afterAll(async () => {
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Imports a history of one genre (every track of it, three times) through HistoryImports. */
async function importGenre(userId: string, genre: string): Promise<HistoryImport> {
  const rows = oneGenreHistory(catalog, genre);
  const path = join(directory, `${userId}.json`);
  writeFileSync(path, JSON.stringify(rows));
  const sink = { importProgress: () => undefined };
  const started = await imports.start(
    userId,
    [{ fileName: 'StreamingHistory_music_0.json', path, bytes: rows.length }],
    sink,
  );
  await imports.idle();
  const job = await imports.get(userId, started.id);
  expect(job.status).toBe('done');
  return job;
}

describe('the taste an imported history gives', () => {
  it('a listener whose history is one genre gets clearly more of it than a new listener', async () => {
    for (const genre of ['metal', 'jazz', 'country']) {
      const job = await importGenre(`history-${genre}`, genre);
      expect(job.report.matchedByName).toBe(job.report.plays);
      const withHistory = await genreShare(engine, genre, `history-${genre}`);
      const fresh = await genreShare(engine, genre, 'new-listener');
      expect(withHistory, genre).toBeGreaterThanOrEqual(0.5);
      expect(withHistory, genre).toBeGreaterThan(fresh * 3);
    }
  });

  it('tracks mostly skipped are not recommended again, and private plays shape nothing', async () => {
    const folk = catalog.filter((track) => track.genres[0] === 'folk');
    const [skipped, privately] = [folk[0]!, folk[1]!];
    await store.addListeningHistory([
      ...[0, 1, 2].map((minute) => ({
        userId: 'skipper',
        trackId: skipped.id,
        trackName: skipped.name,
        artistName: skipped.artists[0]!,
        playedAt: `2024-02-01T10:0${minute}:00Z`,
        msPlayed: 4_000,
        source: 'extended',
        signal: 'skip' as const,
      })),
      ...[0, 1, 2, 3, 4, 5].map((minute) => ({
        userId: 'skipper',
        trackId: privately.id,
        trackName: privately.name,
        artistName: privately.artists[0]!,
        playedAt: `2024-02-02T10:0${minute}:00Z`,
        msPlayed: 200_000,
        source: 'extended',
        signal: 'positive' as const,
        incognito: true,
      })),
    ]);
    const seeded = recommendQuerySchema.parse({ seed_genres: ['folk'], limit: 20 });
    const fresh = await engine.recommend(seeded, { userId: 'nobody' });
    expect(fresh.tracks.map((track) => track.id)).toContain(skipped.id);
    const mine = await engine.recommend(seeded, { userId: 'skipper' });
    expect(mine.tracks.map((track) => track.id)).not.toContain(skipped.id);
    const signals = await engine.recommend(recommendQuerySchema.parse({ limit: 10 }), { userId: 'skipper' });
    expect(signals.tracks.flatMap((track) => track.reasons).join(' ')).not.toMatch(/you often play/);
  });
});
