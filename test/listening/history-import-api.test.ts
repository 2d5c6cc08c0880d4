import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningStatsView } from '../../src/protocol/index.js';
import { bundledCatalog } from '../../src/recommend/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { makeTrack } from '../store/store-fixtures.js';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';
import { missing, sharedDataset } from '../support/environment.js';
import { importHistory, type UploadFile } from '../support/history-uploads.js';
import { fixture } from './read-all.js';
import { memberData, zipOf } from './zip-bytes.js';

const samplePath = sharedDataset('StreamingHistory_music_0.sample.json');
const noSample =
  !samplePath && missing('StreamingHistory_music_0.sample.json', 'it is not in ../shared/data');
const sampleFile = samplePath ?? '';
const extendedFile = fixture('Streaming_History_Audio_2023_0.json');
const legacyFile = fixture('endsong_0.json');

/** Two catalog tracks the extended fixture names: one by its Spotify id, one only by title and artist. */
const byUri = makeTrack('4uLU6hMCjMI75M1A2tKUQC', {
  name: 'Midnight Harbour',
  artists: ['The Lanterns'],
  genres: ['indie'],
});
const byName = makeTrack('catalog-saltwater', {
  name: 'Saltwater Hymn',
  artists: ['Mira Sol'],
  genres: ['folk'],
});

let dataDir: string;
let server: TestServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'echotune-import-'));
  const store = await createSqliteStore({ path: join(dataDir, 'echotune.db') });
  await store.upsertTracks([...bundledCatalog(), byUri, byName]);
  await store.close();
  // Progress once per batch: the sample's 10 batches may all fit in one 250 ms interval on a fast machine.
  server = await startTestServer({ DATA_DIR: dataDir, IMPORT_PROGRESS_INTERVAL_MS: '0' });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Listener {
  token: string;
  client: TestClient;
}

async function listener(): Promise<Listener> {
  const { token } = await server.guest();
  return { token, client: await server.connect(token) };
}

/** Uploads and waits for the job's last progress event, checking the upload's own answer first. */
async function imported(who: Listener, files: UploadFile[]) {
  const job = await importHistory(server.url, who.token, who.client, files);
  expect(job.source).toBe(files.map((file) => file.name).join(', '));
  return job;
}

async function get<Body>(who: Listener, path: string): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${who.token}` } });
  return { status: response.status, body: (await response.json()) as Body };
}

/** What the store will hold of the account sample: one play per (time, track, artist). */
function sampleFigures() {
  const rows = JSON.parse(readFileSync(sampleFile, 'utf8')) as Array<{
    endTime: string;
    trackName: string;
    artistName: string;
    msPlayed: number;
  }>;
  const unique = new Set(rows.map((row) => `${row.endTime}|${row.trackName}|${row.artistName}`));
  const byArtist = new Map<string, number>();
  for (const row of rows) byArtist.set(row.artistName, (byArtist.get(row.artistName) ?? 0) + 1);
  return { rows, unique: unique.size, byArtist };
}

describe('history import over HTTP and the socket', () => {
  it.skipIf(noSample)(
    'imports the account-data sample with progress, and a re-import adds nothing',
    async () => {
      const who = await listener();
      const figures = sampleFigures();
      const job = await imported(who, [
        { name: 'StreamingHistory_music_0.json', data: readFileSync(sampleFile) },
      ]);
      expect(job).toMatchObject({ status: 'done', source: 'StreamingHistory_music_0.json', errors: [] });
      expect(job.report).toMatchObject({
        progress: 1,
        plays: figures.rows.length,
        inserted: figures.unique,
        duplicates: figures.rows.length - figures.unique,
        matchedByUri: 0,
        skippedPodcasts: 0,
        rejected: 0,
        firstPlayedAt: '2023-12-26T02:55:00.000Z',
        lastPlayedAt: '2024-04-07T03:47:00.000Z',
      });
      expect(job.report.matchedByName + job.report.unmatched).toBe(figures.rows.length);
      expect(job.report.files).toEqual([
        expect.objectContaining({
          name: 'StreamingHistory_music_0.json',
          status: 'ok',
          plays: figures.rows.length,
        }),
      ]);

      const events = who.client.of('import:progress').filter((event) => event.job.id === job.id);
      const progress = events.map((event) => event.job.report.progress);
      expect(events[0]!.job.status).toBe('running');
      expect(progress).toEqual([...progress].sort((left, right) => left - right));
      expect(progress.at(-1)).toBe(1);
      expect(new Set(progress).size).toBeGreaterThan(2);

      expect(await get(who, `/api/v1/imports/${job.id}`)).toEqual({ status: 200, body: job });

      const again = await imported(who, [
        { name: 'StreamingHistory_music_0.json', data: readFileSync(sampleFile) },
      ]);
      expect(again.report).toMatchObject({ inserted: 0, duplicates: figures.rows.length });

      const stats = await get<ListeningStatsView>(who, '/api/v1/stats?period=all&top=3');
      expect(stats.status).toBe(200);
      expect(stats.body.plays).toBe(figures.unique);
      const [topArtist] = [...figures.byArtist].sort((left, right) => right[1] - left[1]);
      expect(stats.body.topArtists[0]!.artistName).toBe(topArtist![0]);
      expect(stats.body.playsByHour.reduce((sum, plays) => sum + plays, 0)).toBe(figures.unique);
      expect(stats.body.playsByWeekday.reduce((sum, plays) => sum + plays, 0)).toBe(figures.unique);
      // Account data has no skip flag: its skips are the plays shorter than 30 s.
      expect(stats.body.skips).toBeGreaterThan(0);
      expect(stats.body.skipRate).toBeCloseTo(stats.body.skips / stats.body.plays, 10);
    },
  );

  it('imports both extended-history vintages from one ZIP, matching by URI then by name, past a corrupt member', async () => {
    const who = await listener();
    const members = [
      {
        name: 'Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json',
        data: readFileSync(extendedFile),
      },
      { name: 'Spotify Extended Streaming History/endsong_0.json', data: readFileSync(legacyFile) },
      {
        name: 'Spotify Extended Streaming History/Streaming_History_Audio_2024_1.json',
        data: readFileSync(extendedFile),
      },
      { name: 'Spotify Extended Streaming History/ReadMeFirst.pdf', data: 'not history' },
    ];
    const zip = await zipOf(members);
    const damaged = await memberData(zip, members[2]!.name);
    zip[damaged.start + Math.floor(damaged.length / 2)]! ^= 0xff;

    const job = await imported(who, [{ name: 'my_spotify_data.zip', data: zip }]);
    expect(job.status).toBe('done');
    const files = job.report.files.map(({ name, status }) => ({ name, status }));
    expect(files).toEqual([
      { name: `my_spotify_data.zip › ${members[0]!.name}`, status: 'ok' },
      { name: `my_spotify_data.zip › ${members[1]!.name}`, status: 'ok' },
      { name: `my_spotify_data.zip › ${members[2]!.name}`, status: 'failed' },
    ]);
    expect(job.errors).toEqual([expect.stringContaining(`${members[2]!.name}: is damaged`)]);
    // The extended fixture: 6 plays, a podcast, an audiobook, an unplayable row and 2 rejected rows;
    // the legacy one: 4 plays, a podcast and an unplayable row.
    expect(job.report).toMatchObject({
      plays: 10,
      inserted: 10,
      duplicates: 0,
      matchedByUri: 1,
      matchedByName: 1,
      skippedPodcasts: 2,
      skippedAudiobooks: 1,
      unplayable: 2,
      rejected: 2,
      incognito: 1,
    });

    const stats = await get<ListeningStatsView>(who, '/api/v1/stats?period=all&top=20');
    expect(stats.body).toMatchObject({ plays: 10, matchedPlays: 2 });
    expect(stats.body.topGenres.map((genre) => genre.genre).sort()).toEqual(['folk', 'indie']);
    // Skips: Paper Planes (flagged), Glass Houses (back within 30 s), Rush Hour (next within 30 s),
    // Open Windows (flagged).
    expect(stats.body.skips).toBe(4);
    // One skip each; then more plays first (Mira Sol 3, Platform 9 and Sunroom 2, Nordlys 1), then by name.
    expect(stats.body.mostSkippedArtists.map((artist) => artist.artistName)).toEqual([
      'Mira Sol',
      'Platform 9',
      'Sunroom',
      'Nordlys',
    ]);
  });

  it('a file that is not an export fails the job with its name and the problem; the others still import', async () => {
    const who = await listener();
    const job = await imported(who, [
      { name: 'notes.txt', data: 'dear diary' },
      { name: 'endsong_0.json', data: readFileSync(legacyFile) },
    ]);
    expect(job.status).toBe('done');
    expect(job.report.files[0]).toMatchObject({ name: 'notes.txt', status: 'refused' });
    expect(job.errors[0]).toMatch(/^notes\.txt: .*JSON/);
    expect(job.report.plays).toBe(4);

    const alone = await imported(who, [{ name: 'notes.txt', data: 'dear diary' }]);
    expect(alone.status).toBe('failed');
    expect(alone.errors[0]).toMatch(/^notes\.txt: /);
  });

  it('refuses what is not an upload, and keeps each listener’s imports to themselves', async () => {
    const who = await listener();
    const json = await fetch(`${server.url}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error.message).toMatch(/multipart\/form-data/);

    const empty = new FormData();
    empty.append('note', 'no file here');
    const noFile = await fetch(`${server.url}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who.token}` },
      body: empty,
    });
    expect(noFile.status).toBe(400);
    expect((await noFile.json()).error.message).toMatch(/^files: /);

    const anonymous = await fetch(`${server.url}/api/v1/imports`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);

    const job = await imported(who, [{ name: 'endsong_0.json', data: readFileSync(legacyFile) }]);
    const other = await listener();
    expect((await get(other, `/api/v1/imports/${job.id}`)).status).toBe(404);
    expect((await get(other, '/api/v1/imports/nope')).status).toBe(404);
    const stats = await get<ListeningStatsView>(other, '/api/v1/stats');
    expect(stats.body.plays).toBe(0);
  });

  it.each([
    ['no boundary', 'multipart/form-data', '--x\r\n'],
    ['a body that ends mid-form', 'multipart/form-data; boundary=x', 'garbage'],
    [
      'a part cut short',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="f"; filename="a.json"\r\n\r\n[1',
    ],
  ])(
    'refuses a multipart body that does not parse (%s) as invalid, not internal',
    async (_what, type, body) => {
      const who = await listener();
      const response = await fetch(`${server.url}/api/v1/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${who.token}`, 'content-type': type },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'invalid', message: expect.stringMatching(/^body: /) },
      });
    },
  );

  it('stats refuse a bad query, naming the field', async () => {
    const who = await listener();
    const bad = await get<{ error: { message: string } }>(who, '/api/v1/stats?period=decade');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.period/);
    const backwards = await get<{ error: { message: string } }>(
      who,
      '/api/v1/stats?from=2024-03-01T00:00:00Z&to=2024-02-01T00:00:00Z',
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/query\.to: must be after from/);
  });
});

describe('history import limits', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ IMPORT_MAX_UPLOAD_MB: '1' });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it.skipIf(noSample)('refuses a file over the upload limit with 413, naming it', async () => {
    const { token } = await small.guest();
    const form = new FormData();
    form.append(
      'files',
      new Blob([new Uint8Array(readFileSync(sampleFile))]),
      'StreamingHistory_music_0.json',
    );
    const response = await fetch(`${small.url}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toBe(
      'StreamingHistory_music_0.json: is larger than the 1 MB upload limit',
    );
  });
});
