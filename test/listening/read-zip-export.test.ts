import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { fixture, readAll, readBytes } from './read-all.js';
import { deflatedMember, memberData, rawZip, zerosMember, zipOf } from './zip-bytes.js';

const extendedFolder = 'Spotify Extended Streaming History';
const audio2023 = readFileSync(fixture('Streaming_History_Audio_2023_0.json'));
const endsong = readFileSync(fixture('endsong_0.json'));
const accountRows = (count: number, track = 'Song') =>
  JSON.stringify(
    Array.from({ length: count }, (_, index) => ({
      endTime: `2024-01-01 10:${String(index % 60).padStart(2, '0')}`,
      artistName: 'Artist',
      trackName: `${track} ${index}`,
      msPlayed: 200_000,
    })),
  );

// Every reading spools here, so the tests can see that nothing is left behind.
const spoolDirectory = mkdtempSync(join(tmpdir(), 'echotune-zip-test-'));
afterAll(() => rmSync(spoolDirectory, { recursive: true, force: true }));
const read = (zip: Buffer, options: Parameters<typeof readBytes>[2] = {}) =>
  readBytes(zip, 'my_spotify_data.zip', { temporaryDirectory: spoolDirectory, ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the reading to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(EchoError);
      return error as EchoError;
    },
  );

describe('a ZIP export', () => {
  it('reads the history files, counts video as skipped and the rest as ignored, by name', async () => {
    const zip = await zipOf([
      { name: `${extendedFolder}/` },
      { name: `${extendedFolder}/ReadMeFirst_ExtendedStreamingHistory.pdf`, data: '%PDF-1.4' },
      { name: `${extendedFolder}/Streaming_History_Audio_2023_0.json`, data: audio2023 },
      { name: `${extendedFolder}/endsong_0.json`, data: endsong },
      { name: `${extendedFolder}/Streaming_History_Video_2019-2023.json`, data: '[]' },
      { name: `__MACOSX/${extendedFolder}/._endsong_0.json`, data: 'resource fork' },
      { name: 'Spotify Account Data/Userdata.json', data: '{"username":"x"}' },
      { name: 'Spotify Account Data/StreamingHistory_podcast_0.json', data: '[]' },
    ]);
    const reading = read(zip);
    const { plays, batches } = await readAll(reading);
    expect(plays).toHaveLength(10);
    // A batch never mixes files.
    expect(batches.map((batch) => new Set(batch.map((play) => play.file)).size)).toEqual([1, 1]);
    expect(plays[0]!.file).toBe(`${extendedFolder}/Streaming_History_Audio_2023_0.json`);
    const { summary } = reading;
    expect(summary.container).toBe('zip');
    expect(summary.inputBytes).toBe(zip.length);
    expect(summary.files.map((file) => [file.name, file.status, file.vintage, file.plays])).toEqual([
      [`${extendedFolder}/Streaming_History_Audio_2023_0.json`, 'ok', 'extended', 6],
      [`${extendedFolder}/endsong_0.json`, 'ok', 'extended-legacy', 4],
    ]);
    expect(summary.files[0]!.bytes).toBe(audio2023.length);
    expect(summary.skippedMembers).toEqual([
      `${extendedFolder}/Streaming_History_Video_2019-2023.json`,
      'Spotify Account Data/StreamingHistory_podcast_0.json',
    ]);
    expect(summary.ignoredMembers).toEqual([
      `${extendedFolder}/ReadMeFirst_ExtendedStreamingHistory.pdf`,
      `__MACOSX/${extendedFolder}/._endsong_0.json`,
      'Spotify Account Data/Userdata.json',
    ]);
    expect(summary.totals).toEqual({
      rows: 17,
      plays: 10,
      skippedPodcasts: 2,
      skippedAudiobooks: 1,
      unplayable: 2,
      rejected: 2,
      failedFiles: 0,
    });
    expect([summary.firstPlayedAt, summary.lastPlayedAt]).toEqual([
      '2019-06-02T19:42:11.000Z',
      '2023-03-02T23:59:59.000Z',
    ]);
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('removes the spooled file when the reader stops early', async () => {
    const zip = await zipOf([{ name: 'StreamingHistory_music_0.json', data: accountRows(2_500) }]);
    for await (const batch of read(zip)) {
      expect(batch).toHaveLength(1_000);
      break;
    }
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('reports a member whose compressed bytes were damaged, and still reads the others', async () => {
    const damaged = 'Spotify Account Data/StreamingHistory_music_1.json';
    const zip = await zipOf([
      { name: 'Spotify Account Data/StreamingHistory_music_0.json', data: accountRows(300, 'First') },
      { name: damaged, data: accountRows(300, 'Damaged') },
      { name: 'Spotify Account Data/StreamingHistory_music_2.json', data: accountRows(300, 'Third') },
    ]);
    const { start, length } = await memberData(zip, damaged);
    for (let at = start + Math.floor(length / 3); at < start + Math.floor(length / 3) + 16; at++)
      zip[at]! ^= 0xa5;
    const reading = read(zip);
    const { plays } = await readAll(reading);
    expect(plays).toHaveLength(600);
    expect(plays.some((play) => play.trackName.startsWith('Damaged'))).toBe(false);
    const report = reading.summary.files[1]!;
    expect(report).toMatchObject({ name: damaged, status: 'failed', plays: 0 });
    expect(report.error).toMatch(/^is damaged: /);
    expect(reading.summary.totals.failedFiles).toBe(1);
  });

  it('catches a change that only the CRC-32 shows, before any play of that member is delivered', async () => {
    const changed = 'StreamingHistory_music_1.json';
    const zip = await zipOf([
      { name: 'StreamingHistory_music_0.json', data: accountRows(5, 'Good') },
      { name: changed, data: accountRows(5, 'Stored'), compress: false },
    ]);
    const { start } = await memberData(zip, changed);
    const at = zip.indexOf('Stored 3', start);
    zip[at] = 'X'.charCodeAt(0); // still valid JSON of the same size: "Xtored 3"
    const reading = read(zip);
    const { plays } = await readAll(reading);
    expect(plays.map((play) => play.trackName)).toEqual(['Good 0', 'Good 1', 'Good 2', 'Good 3', 'Good 4']);
    expect(reading.summary.files[1]!.error).toMatch(
      /^is damaged: its CRC-32 is 0x[0-9a-f]{8}, the archive says 0x[0-9a-f]{8}$/,
    );
  });

  it('reports a member that inflates to fewer bytes than it declares', async () => {
    const short = { ...deflatedMember('endsong_1.json', '[]'), declaredSize: 1_000 };
    const reading = read(rawZip([deflatedMember('endsong_0.json', endsong.toString()), short]));
    expect((await readAll(reading)).plays).toHaveLength(4);
    expect(reading.summary.files[1]!.error).toBe(
      'is damaged: it inflates to 2 bytes, not its declared 1,000 bytes',
    );
  });

  it('reports a stored member whose directory entry gives two different sizes, and reads the others', async () => {
    const bytes = Buffer.from(accountRows(3));
    const stored = {
      name: 'StreamingHistory_music_1.json',
      data: bytes,
      method: 0 as const,
      crc: crc32(bytes),
    };
    const reading = read(
      rawZip([
        { ...stored, declaredSize: bytes.length - 10 },
        deflatedMember('StreamingHistory_music_0.json', accountRows(2)),
      ]),
    );
    expect((await readAll(reading)).plays).toHaveLength(2);
    expect(reading.summary.files[0]!.error).toMatch(/^is damaged: it inflates past its declared size/);
  });

  it('reports a member that is not valid JSON or is cut short, naming the problem', async () => {
    const zip = await zipOf([
      { name: 'endsong_0.json', data: endsong },
      { name: 'endsong_1.json', data: '[{"ts": "2020-01-01T00:00:00Z", "ms_played": }]' },
      { name: 'endsong_2.json', data: endsong.subarray(0, 1_000) },
      { name: 'Streaming_History_Audio_2023_0.json', data: audio2023 },
    ]);
    const reading = read(zip);
    // The cut file's first row came before the cut (its bytes are intact: this is JSON cut short).
    expect((await readAll(reading)).plays).toHaveLength(4 + 1 + 6);
    expect(reading.summary.files.map((file) => [file.name, file.status, file.plays, file.error])).toEqual([
      ['endsong_0.json', 'ok', 4, null],
      [
        'endsong_1.json',
        'failed',
        0,
        expect.stringMatching(/^invalid JSON in element \[0\] \(from byte 1\): /),
      ],
      ['endsong_2.json', 'failed', 1, 'ends at byte 1000 before its array is closed (truncated?)'],
      ['Streaming_History_Audio_2023_0.json', 'ok', 6, null],
    ]);
  });

  it('refuses an upload that is not a whole ZIP, naming it', async () => {
    const zip = await zipOf([{ name: 'endsong_0.json', data: endsong }]);
    const error = await failure(readAll(read(zip.subarray(0, zip.length - 30))));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/^my_spotify_data\.zip: is not a readable ZIP archive \(/);
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('refuses a ZIP that holds no listening history, listing what it holds', async () => {
    const zip = await zipOf([
      { name: 'Spotify Account Data/Userdata.json', data: '{}' },
      { name: 'Spotify Account Data/Playlist1.json', data: '{}' },
    ]);
    expect((await failure(readAll(read(zip)))).message).toMatch(
      /^my_spotify_data\.zip: holds no Spotify listening history .*; it holds Spotify Account Data\/Userdata\.json, Spotify Account Data\/Playlist1\.json$/,
    );
  });

  it('refuses a ZIP with more members than the limit before reading any', async () => {
    const zip = await zipOf(
      Array.from({ length: 1_001 }, (_, index) => ({ name: `f${index}.txt`, data: '' })),
    );
    const error = await failure(readAll(read(zip)));
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toBe('my_spotify_data.zip: lists 1,001 members, over the limit of 1,000');
  });

  it('refuses an upload over the byte limit while spooling it, and leaves no file behind', async () => {
    const zip = await zipOf([{ name: 'endsong_0.json', data: endsong, compress: false }]);
    const error = await failure(readAll(read(zip, { limits: { maxInputBytes: 2_048 } })));
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toBe('my_spotify_data.zip: is larger than the 2,048 bytes (2 KiB) upload limit');
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('refuses members past the total uncompressed limit, and reads those that fit', async () => {
    const rows = accountRows(100);
    const zip = await zipOf([
      { name: 'StreamingHistory_music_0.json', data: rows },
      { name: 'StreamingHistory_music_1.json', data: rows },
      { name: 'StreamingHistory_music_2.json', data: accountRows(1) },
    ]);
    const reading = read(zip, { limits: { maxTotalUncompressedBytes: rows.length + 1_000 } });
    expect((await readAll(reading)).plays).toHaveLength(101);
    expect(reading.summary.files.map((file) => file.status)).toEqual(['ok', 'refused', 'ok']);
    expect(reading.summary.files[1]!.error).toMatch(
      /^declares [\d,]+ bytes \([\d.]+ KiB\) uncompressed, more than/,
    );
  });
});

describe('a ZIP bomb', () => {
  const rssGrowthDuring = async (work: () => Promise<void>) => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const started = performance.now();
    try {
      await work();
    } finally {
      clearInterval(sampler);
    }
    return { growth: Math.max(peak, process.memoryUsage().rss) - before, ms: performance.now() - started };
  };
  const good = () => deflatedMember('StreamingHistory_music_0.json', accountRows(10));

  it('refuses a member declaring 3 GiB of zeros at once, and reads the rest', async () => {
    const zip = rawZip([zerosMember('Streaming_History_Audio_2023_0.json', 3 * 1024), good()]);
    expect(zip.length).toBeLessThan(4 * 1024 * 1024);
    const reading = read(zip);
    const { growth, ms } = await rssGrowthDuring(async () => {
      expect((await readAll(reading)).plays).toHaveLength(10);
    });
    expect(reading.summary.files[0]).toMatchObject({
      status: 'refused',
      vintage: 'extended',
      bytes: 0,
      error:
        'declares 3,221,225,472 bytes (3 GiB) uncompressed, over the 524,288,000 bytes (500 MiB) per-file limit',
    });
    expect(ms).toBeLessThan(2_000);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a member whose declared compression ratio is over the limit', async () => {
    const zip = rawZip([zerosMember('endsong_0.json', 400), good()]);
    const reading = read(zip);
    expect((await readAll(reading)).plays).toHaveLength(10);
    expect(reading.summary.files[0]!.error).toMatch(
      /^declares a compression ratio of [\d,]+:1, over the limit of 200:1$/,
    );
  });

  it('stops a member that lies about its size (3 GiB inflating from a declared 2 MiB) as it inflates', async () => {
    const zip = rawZip([zerosMember('endsong_0.json', 3 * 1024, 2 * 1024 * 1024), good()]);
    const reading = read(zip);
    const { growth, ms } = await rssGrowthDuring(async () => {
      expect((await readAll(reading)).plays).toHaveLength(10);
    });
    expect(reading.summary.files[0]).toMatchObject({ status: 'failed' });
    expect(reading.summary.files[0]!.error).toMatch(
      /^is damaged: it inflates past its declared size of 2,097,152 bytes \(2 MiB\)$/,
    );
    expect(ms).toBeLessThan(2_000);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });

  it('stops a plain JSON stream at the per-file limit as the bytes come', async () => {
    async function* endlessArray() {
      yield Buffer.from('[');
      const row = Buffer.from(`${accountRows(1).slice(1, -1)},`.repeat(1_000));
      for (;;) yield row;
    }
    const { Readable } = await import('node:stream');
    const reading = (await import('../../src/listening/index.js')).readSpotifyExport(
      Readable.from(endlessArray()),
      {
        fileName: 'StreamingHistory_music_0.json',
        limits: { maxMemberBytes: 20 * 1024 * 1024 },
      },
    );
    const { growth } = await rssGrowthDuring(async () => {
      const error = await failure(readAll(reading));
      expect(error.message).toBe(
        'StreamingHistory_music_0.json: is larger than the 20,971,520 bytes (20 MiB) per-file limit',
      );
    });
    expect(reading.summary.files[0]).toMatchObject({ status: 'refused' });
    expect(reading.summary.files[0]!.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });
});
