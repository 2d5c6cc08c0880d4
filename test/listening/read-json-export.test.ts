import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { readSpotifyExport } from '../../src/listening/index.js';
import { missing, sharedDataset } from '../support/environment.js';
import { fixture, readAll, readBytes, readFile } from './read-all.js';

const samplePath = sharedDataset('StreamingHistory_music_0.sample.json');
const noSample =
  !samplePath && missing('StreamingHistory_music_0.sample.json', 'it is not in ../shared/data');

describe.skipIf(noSample)('the real account-data sample (StreamingHistory_music_0, 10,000 plays)', () => {
  it('reads every record as a play, in batches of 1,000, with UTC times to the minute', async () => {
    const reading = readFile(samplePath!);
    const { plays, batches } = await readAll(reading);
    expect(plays).toHaveLength(10_000);
    expect(batches.map((batch) => batch.length)).toEqual(Array(10).fill(1_000));
    expect(plays[0]).toEqual({
      playedAt: '2023-12-26T02:55:00.000Z',
      trackName: 'Chicago',
      artistName: 'Michael Jackson',
      albumName: null,
      msPlayed: 26_218,
      spotifyTrackUri: null,
      skipped: null,
      reasonStart: null,
      reasonEnd: null,
      shuffle: null,
      incognito: null,
      source: 'account',
      file: 'StreamingHistory_music_0.sample.json',
    });
    expect(plays[4_999]).toMatchObject({ playedAt: '2024-02-08T15:19:00.000Z', trackName: 'Fire & Desire' });
    expect(plays.at(-1)).toMatchObject({
      playedAt: '2024-04-07T03:47:00.000Z',
      artistName: 'Djo',
      trackName: 'End of Beginning',
      msPlayed: 159_246,
    });
    expect(plays.find((play) => play.trackName === 'You’re Gonna Go Far')?.artistName).toBe('Noah Kahan');
    expect(plays.reduce((sum, play) => sum + play.msPlayed, 0)).toBe(1_111_342_779);
    expect(new Set(plays.map((play) => play.artistName)).size).toBe(722);
    const { summary } = reading;
    expect(summary).toMatchObject({
      container: 'json',
      inputBytes: 1_379_598,
      firstPlayedAt: '2023-12-26T02:55:00.000Z',
      lastPlayedAt: '2024-04-07T03:47:00.000Z',
      totals: { rows: 10_000, plays: 10_000, rejected: 0, unplayable: 0, failedFiles: 0 },
    });
    // Its name is not one Spotify uses, so its rows said what it is.
    expect(summary.files).toEqual([
      expect.objectContaining({
        status: 'ok',
        source: 'account',
        vintage: 'account',
        rows: 10_000,
        errors: [],
      }),
    ]);
  });
});

describe('extended streaming history', () => {
  it('reads the 2023 vintage: plays normalized, podcasts, audiobooks and unnamed tracks counted apart', async () => {
    const reading = readFile(fixture('Streaming_History_Audio_2023_0.json'));
    const { plays } = await readAll(reading);
    expect(plays.map((play) => play.trackName)).toEqual([
      'Midnight Harbour',
      'Paper Planes Over Oslo',
      'Glass Houses',
      'Saltwater Hymn',
      'Interlude (Tide)',
      '東京 Nights',
    ]);
    expect(plays[0]).toEqual({
      playedAt: '2023-03-01T08:15:02.000Z',
      trackName: 'Midnight Harbour',
      artistName: 'The Lanterns',
      albumName: 'Harbour Lights',
      msPlayed: 215_893,
      spotifyTrackUri: 'spotify:track:4uLU6hMCjMI75M1A2tKUQC',
      skipped: false,
      reasonStart: 'trackdone',
      reasonEnd: 'trackdone',
      shuffle: false,
      incognito: false,
      source: 'extended',
      file: 'Streaming_History_Audio_2023_0.json',
    });
    expect(plays[1]).toMatchObject({ skipped: true, reasonEnd: 'fwdbtn', msPlayed: 8_123 });
    expect(plays[5]).toMatchObject({ shuffle: true, incognito: true, reasonStart: 'clickrow' });
    const [file] = reading.summary.files;
    expect(file).toMatchObject({
      status: 'ok',
      source: 'extended',
      vintage: 'extended',
      rows: 11,
      plays: 6,
      skippedPodcasts: 1,
      skippedAudiobooks: 1,
      unplayable: 1,
      rejected: 2,
    });
    expect(file!.errors).toEqual([
      'Streaming_History_Audio_2023_0.json[8]: ms_played: Invalid input: expected number, received string',
      'Streaming_History_Audio_2023_0.json[10]: ts: expected an ISO 8601 date and time',
    ]);
  });

  it('reads the endsong vintage (username, decrypted IP address, no audiobook fields)', async () => {
    const reading = readFile(fixture('endsong_0.json'));
    const { plays } = await readAll(reading);
    expect(plays.map((play) => [play.trackName, play.skipped, play.reasonEnd])).toEqual([
      ['Northern Line', null, 'trackdone'],
      ['Rush Hour', null, 'fwdbtn'],
      ['Morning Light', null, 'endplay'],
      ['Open Windows', true, 'trackdone'],
    ]);
    // A local file's URI names no catalog track.
    expect(plays[2]!.spotifyTrackUri).toBeNull();
    expect(plays[3]!.spotifyTrackUri).toBe('spotify:track:6habFhsOp2NvshLv26DqMb');
    expect(reading.summary.files[0]).toMatchObject({
      vintage: 'extended-legacy',
      rows: 6,
      plays: 4,
      skippedPodcasts: 1,
      unplayable: 1,
      rejected: 0,
    });
  });

  it('tells the vintage of a renamed file from its rows', async () => {
    const rows = await import('node:fs').then((fs) => fs.readFileSync(fixture('endsong_0.json')));
    const reading = readBytes(rows, 'my-history.json');
    expect((await readAll(reading)).plays).toHaveLength(4);
    expect(reading.summary.files[0]).toMatchObject({ source: 'extended', vintage: 'extended-legacy' });
  });
});

describe('account data rows', () => {
  it('rejects bad rows with the file, the row index and the field, and keeps the good ones', async () => {
    const rows = [
      { endTime: '2024-01-01 10:00', artistName: 'A', trackName: 'One', msPlayed: 1000 },
      { endTime: '2024-01-01T10:00', artistName: 'A', trackName: 'Two', msPlayed: 1000 },
      { endTime: '2023-02-29 10:00', artistName: 'A', trackName: 'Three', msPlayed: 1000 },
      { endTime: '2024-01-01 10:01', artistName: '', trackName: 'Four', msPlayed: 1000 },
      { endTime: '2024-01-01 10:02', artistName: 'A', trackName: 'Five', msPlayed: -5 },
      { endTime: '2024-01-01 10:03', artistName: 'A', trackName: 'Six' },
      { endTime: '2024-01-01 10:04', artistName: 'A', trackName: 'Seven', msPlayed: 0 },
    ];
    const reading = readBytes(JSON.stringify(rows), 'StreamingHistory_music_3.json');
    const { plays } = await readAll(reading);
    expect(plays.map((play) => play.trackName)).toEqual(['One', 'Seven']);
    expect(reading.summary.files[0]!.errors).toEqual([
      'StreamingHistory_music_3.json[1]: endTime: expected a real "YYYY-MM-DD HH:MM"',
      'StreamingHistory_music_3.json[2]: endTime: expected a real "YYYY-MM-DD HH:MM"',
      'StreamingHistory_music_3.json[3]: artistName: empty',
      'StreamingHistory_music_3.json[4]: msPlayed: Too small: expected number to be >=0',
      'StreamingHistory_music_3.json[5]: msPlayed: Invalid input: expected number, received undefined',
    ]);
    expect(reading.summary.totals).toMatchObject({ rows: 7, plays: 2, rejected: 5 });
  });

  it('reads the pre-2023 name StreamingHistory0.json as account data', async () => {
    const reading = readBytes(
      '[{"endTime":"2019-05-01 00:00","artistName":"A","trackName":"T","msPlayed":1}]',
      'StreamingHistory0.json',
    );
    expect((await readAll(reading)).plays).toHaveLength(1);
    expect(reading.summary.files[0]).toMatchObject({ vintage: 'account-legacy' });
  });

  it('rejects a row over the row size limit without reading it', async () => {
    const rows = `[{"endTime":"2024-01-01 10:00","artistName":"${'x'.repeat(2_000)}","trackName":"T","msPlayed":1}]`;
    const reading = readBytes(rows, 'StreamingHistory_music_0.json', { limits: { maxRowBytes: 1_024 } });
    expect((await readAll(reading)).plays).toHaveLength(0);
    expect(reading.summary.files[0]!.errors[0]).toMatch(
      /^StreamingHistory_music_0\.json\[0\]: the row is 2,07\d bytes \(2\.0 KiB\), over the 1,024 bytes \(1 KiB\) row limit$/,
    );
  });
});

describe('a file that is not a listening history', () => {
  const refusal = async (bytes: string | Buffer, fileName: string, options = {}) => {
    const error = await readAll(readBytes(bytes, fileName, options)).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(EchoError);
    return error as EchoError;
  };

  it('refuses a file that is not JSON, naming it', async () => {
    const error = await refusal('artistName,trackName\nA,B\n', 'history.csv');
    expect(error.code).toBe('invalid');
    expect(error.message).toBe("history.csv: is not JSON: expected '[' at byte 0, found 'a'");
  });

  it('refuses JSON that is not an array of objects', async () => {
    expect((await refusal('{"plays":[]}', 'StreamingHistory_music_0.json')).message).toBe(
      "StreamingHistory_music_0.json: is a JSON object, not an array of plays (at byte 0, found '{')",
    );
    expect((await refusal('[1, 2]', 'endsong_1.json')).message).toMatch(
      /^endsong_1\.json: is not an array of objects: element \[0\] is a number/,
    );
  });

  it('refuses invalid JSON, naming the file and the element, after the rows before it', async () => {
    const reading = readBytes(
      '[{"endTime":"2024-01-01 10:00","artistName":"A","trackName":"T","msPlayed":1},{"endTime":}]',
      'StreamingHistory_music_0.json',
    );
    const seen: string[] = [];
    await expect(async () => {
      for await (const batch of reading) seen.push(...batch.map((play) => play.trackName));
    }).rejects.toThrow(/^StreamingHistory_music_0\.json: invalid JSON in element \[1\] \(from byte 78\)/);
    expect(seen).toEqual(['T']);
    expect(reading.summary.files[0]).toMatchObject({ status: 'failed', plays: 1 });
  });

  it('refuses an array of other objects (a playlist file) by its fields', async () => {
    expect((await refusal('[{"name":"Road trip","items":[]}]', 'Playlist1.json')).message).toMatch(
      /^Playlist1\.json: is not a Spotify listening history: its first row has the fields name, items/,
    );
  });

  it('refuses a file over the size limits as too large', async () => {
    const rows = JSON.stringify(
      Array.from({ length: 200 }, () => ({
        endTime: '2024-01-01 10:00',
        artistName: 'A',
        trackName: 'T',
        msPlayed: 1,
      })),
    );
    const perFile = await refusal(rows, 'StreamingHistory_music_0.json', {
      limits: { maxMemberBytes: 4_096 },
    });
    expect(perFile.code).toBe('payload_too_large');
    expect(perFile.message).toBe(
      'StreamingHistory_music_0.json: is larger than the 4,096 bytes (4 KiB) per-file limit',
    );
    const upload = await refusal(rows, 'StreamingHistory_music_0.json', { limits: { maxInputBytes: 1_000 } });
    expect(upload.message).toMatch(/is larger than the 1,000 bytes upload limit$/);
  });

  it('counts a video or podcast history file as skipped without reading it, and closes it', async () => {
    const input = Readable.from([Buffer.from('not even JSON'), Buffer.from(' and more')]);
    const reading = readSpotifyExport(input, { fileName: 'Streaming_History_Video_2019-2023.json' });
    expect((await readAll(reading)).plays).toEqual([]);
    expect(reading.summary).toMatchObject({
      skippedMembers: ['Streaming_History_Video_2019-2023.json'],
      files: [],
    });
    expect(input.destroyed).toBe(true);
  });

  it('refuses an empty upload', async () => {
    expect((await refusal('', 'StreamingHistory_music_0.json')).message).toBe(
      'StreamingHistory_music_0.json: is empty',
    );
  });
});
