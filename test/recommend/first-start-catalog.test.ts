import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/index.js';
import { makeTrack } from '../store/store-fixtures.js';
import { startTestServer } from '../support/echotune-server.js';

describe('which catalog a server starts with', () => {
  const directory = mkdtempSync(join(tmpdir(), 'echotune-catalog-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a fresh install serves the bundled tracks and knows it (the first start then says how to import more)', async () => {
    const server = await startTestServer();
    try {
      expect(server.catalog).toEqual({ tracks: expect.any(Number), bundled: true });
      expect(server.catalog.tracks).toBeGreaterThanOrEqual(300);
    } finally {
      await server.stop();
    }
  });

  it('an imported catalog is not the bundled one', async () => {
    const store = await createSqliteStore({ path: join(directory, 'echotune.db') });
    await store.upsertTracks([makeTrack('4uLU6hMCjMI75M1A2tKUQC'), makeTrack('0VjIjW4GlUZAMYd2vXMi3b')]);
    await store.close();
    const server = await startTestServer({ DATA_DIR: directory });
    try {
      expect(server.catalog).toEqual({ tracks: 2, bundled: false });
    } finally {
      await server.stop();
    }
  });
});
