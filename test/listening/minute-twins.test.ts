import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryImports } from '../../src/listening/index.js';
import { bundledCatalog, createRecommender } from '../../src/recommend/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { fixture } from './read-all.js';

interface ExtendedRow {
  ts: string;
  ms_played: number;
  master_metadata_track_name: string | null;
  master_metadata_album_artist_name: string | null;
}

/** The extended fixture's music plays as account data would list them: the same end, to the minute. */
function asAccountData(rows: ExtendedRow[]) {
  return rows
    .filter((row) => row.master_metadata_track_name !== null)
    .map((row) => ({
      endTime: row.ts.slice(0, 16).replace('T', ' '),
      artistName: row.master_metadata_album_artist_name,
      trackName: row.master_metadata_track_name,
      msPlayed: row.ms_played,
    }));
}

let directory: string;
let store: Store;
let imports: HistoryImports;
const extended = JSON.parse(
  readFileSync(fixture('Streaming_History_Audio_2023_0.json'), 'utf8'),
) as ExtendedRow[];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'echotune-twins-'));
  store = await createSqliteStore({ path: ':memory:' });
  imports = new HistoryImports({
    store,
    recommender: createRecommender({ tracks: bundledCatalog(), store }),
  });
});

afterAll(async () => {
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function importRows(userId: string, fileName: string, rows: unknown[]) {
  const path = join(directory, `${userId}-${fileName}`);
  writeFileSync(path, JSON.stringify(rows));
  const started = await imports.start(userId, [{ fileName, path, bytes: rows.length }], {
    importProgress: () => undefined,
  });
  await imports.idle();
  const job = await imports.get(userId, started.id);
  expect(job.status).toBe('done');
  return job.report;
}

async function storedPlays(userId: string): Promise<number> {
  return (await store.listListeningHistory({ userId }, { limit: 1000 })).items.length;
}

describe('the same plays from account data and from the extended history', () => {
  const account = asAccountData(extended);

  it('are stored once, whichever export comes first', async () => {
    const first = await importRows('extended-first', 'Streaming_History_Audio_2023_0.json', extended);
    expect(first.inserted).toBeGreaterThan(0);
    const second = await importRows('extended-first', 'StreamingHistory_music_0.json', account);
    expect(second.inserted).toBe(0);
    expect(second.duplicates).toBe(second.plays);
    expect(await storedPlays('extended-first')).toBe(first.inserted);

    const accountFirst = await importRows('account-first', 'StreamingHistory_music_0.json', account);
    const thenExtended = await importRows('account-first', 'Streaming_History_Audio_2023_0.json', extended);
    expect(thenExtended.inserted).toBe(0);
    expect(await storedPlays('account-first')).toBe(accountFirst.inserted);
  });

  it('keeps two plays of one track in one minute when both come from the same export', async () => {
    const [play] = extended.filter((row) => row.master_metadata_track_name !== null);
    const replayed = [
      { ...play!, ts: '2023-05-01T10:00:05Z', ms_played: 20_000 },
      { ...play!, ts: '2023-05-01T10:00:40Z', ms_played: 30_000 },
    ];
    const report = await importRows('replayer', 'Streaming_History_Audio_2023_1.json', replayed);
    expect(report.inserted).toBe(2);
    // A later account-data export of that minute adds nothing.
    const again = await importRows('replayer', 'StreamingHistory_music_1.json', asAccountData(replayed));
    expect(again.inserted).toBe(0);
    expect(await storedPlays('replayer')).toBe(2);
  });
});
