import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  importCatalogIntoStore,
  importRecords,
  openCatalogSource,
  parseCsvText,
} from '../../src/recommend/import/index.js';
import { bundledCatalog, loadCatalog } from '../../src/recommend/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { missing, repoRoot, sharedDataset } from '../support/environment.js';

const fixture = (name: string) => resolve(repoRoot, 'test/fixtures/recommend', name);
const csv = (name: string) => parseCsvText(readFileSync(fixture(name), 'utf8'));

describe('catalog import', () => {
  it('reads TidyTuesday columns, merges repeated track ids and their genres', async () => {
    const { tracks, report } = await importRecords(csv('tidytuesday-sample.csv'));
    expect(report).toMatchObject({ columnSet: 'tidytuesday', read: 6, imported: 2, merged: 1, rejected: 3 });
    const first = tracks.find((track) => track.id === 't1')!;
    expect(first).toMatchObject({
      name: 'Song One',
      artists: ['Artist A'],
      album: 'Album One',
      releaseDate: '2019-06-14',
    });
    expect(first.genres).toEqual(['pop', 'dance pop', 'edm', 'electro house']);
    expect(first.features.energy).toBeCloseTo(0.88);
    expect(first.estimated).toBe(false);
  });

  it('rejects bad rows with the row number and the reason', async () => {
    const { report } = await importRecords(csv('tidytuesday-sample.csv'));
    expect(report.errors).toHaveLength(3);
    expect(report.errors[0]).toMatch(/^row 4: name: missing track name/);
    expect(report.errors[1]).toMatch(/^row 5: features\.energy/);
    expect(report.errors[2]).toMatch(/^row 6: features\.energy/);
  });

  it('reads Kaggle columns: artists split on ";", explicit, track_genre', async () => {
    const { tracks, report } = await importRecords(csv('kaggle-sample.csv'));
    expect(report).toMatchObject({ columnSet: 'kaggle', read: 5, imported: 3, merged: 1, rejected: 1 });
    const duet = tracks.find((track) => track.id === 'k3')!;
    expect(duet.artists).toEqual(['Artist M', 'Artist N']);
    expect(duet.explicit).toBe(true);
    expect(tracks.find((track) => track.id === 'k1')!.genres).toEqual(['acoustic', 'j-pop']);
    expect(tracks.find((track) => track.id === 'k1')!.features.instrumentalness).toBeCloseTo(1.01e-6);
  });

  it('withholds genre columns on request', async () => {
    const { tracks } = await importRecords(csv('kaggle-sample.csv'), { withoutGenres: true });
    expect(tracks.every((track) => track.genres.length === 0)).toBe(true);
  });

  it('reads JSON in the EchoTune track shape', async () => {
    const { tracks, report } = await importRecords(bundledCatalog().slice(0, 5));
    expect(report).toMatchObject({ columnSet: 'echotune', imported: 5, rejected: 0 });
    expect(tracks[0]).toEqual(bundledCatalog()[0]);
  });

  it('rejects records whose columns it does not recognise', async () => {
    const { report } = await importRecords([{ title: 'x' }]);
    expect(report.rejected).toBe(1);
    expect(report.errors[0]).toMatch(/unrecognized columns/);
  });

  it('opens a CSV file by path as a stream', async () => {
    const source = await openCatalogSource(fixture('kaggle-sample.csv'));
    const { report } = await importRecords(source.records);
    expect(report.imported).toBe(3);
    expect(source.bytesRead()).toBe(source.totalBytes);
  });

  it('downloads a CSV from an http URL', async () => {
    const body = readFileSync(fixture('kaggle-sample.csv'));
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': body.length });
      response.end(body);
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      const source = await openCatalogSource(`http://127.0.0.1:${port}/tracks.csv`);
      const { report } = await importRecords(source.records);
      expect(report).toMatchObject({ columnSet: 'kaggle', imported: 3 });
      expect(source.totalBytes).toBe(body.length);
    } finally {
      server.close();
    }
  });

  it('imports into the store and records the import job', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    const progress: string[] = [];
    const { job } = await importCatalogIntoStore(store, fixture('tidytuesday-sample.csv'), {
      onProgress: (step) => progress.push(step.phase),
    });
    expect(job).toMatchObject({ kind: 'catalog', status: 'done', imported: 2, merged: 1, rejected: 3 });
    expect(job.errors).toHaveLength(3);
    expect(await store.countTracks()).toBe(2);
    expect(progress).toContain('writing');
    expect((await store.getImportJob(job.id))?.status).toBe('done');
    await store.close();
  });

  it('marks the import job failed when the source cannot be read', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    // The failed import returns no job, so the id is taken from the store as the job is created.
    const created = vi.spyOn(store, 'createImportJob');
    const location = fixture('absent.csv');
    const failure = await importCatalogIntoStore(store, location).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/ENOENT/);
    expect(created).toHaveBeenCalledTimes(1);
    const { id } = await created.mock.results[0]!.value;

    const job = await store.getImportJob(id);
    expect(job).toMatchObject({
      id,
      kind: 'catalog',
      source: location,
      status: 'failed',
      errors: [(failure as Error).message],
      total: null,
      processed: 0,
      imported: 0,
      merged: 0,
      rejected: 0,
    });
    expect(await store.countTracks()).toBe(0);
    await store.close();
  });
});

describe('loadCatalog', () => {
  it('seeds an empty store with the bundled catalog, then reads every track', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    const tracks = await loadCatalog(store);
    expect(tracks).toHaveLength(bundledCatalog().length);
    expect(await store.countTracks()).toBe(bundledCatalog().length);
    await store.close();
  });

  it('does not seed a store that already has tracks', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    await store.upsertTracks(bundledCatalog().slice(0, 3));
    expect(await loadCatalog(store)).toHaveLength(3);
    await store.close();
  });
});

describe('the shared TidyTuesday file', () => {
  const path = sharedDataset('tidytuesday_spotify_songs.csv');
  it.skipIf(!path && missing('tidytuesday_spotify_songs.csv', 'it is not in ../shared/data'))(
    'imports 32,833 rows as 28,356 distinct tracks with 6 genres and 24 subgenres',
    async () => {
      const source = await openCatalogSource(path!);
      const { tracks, report } = await importRecords(source.records);
      expect(report).toMatchObject({ read: 32_833, imported: 28_356, merged: 4_477, rejected: 0 });
      const genres = new Set(tracks.flatMap((track) => track.genres));
      expect(genres.size).toBe(30);
    },
    30_000,
  );
});
