import { describe, expect, it } from 'vitest';
import type { NewListeningEvent } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';

/** Seven plays of one listener and one of another; every figure below is counted by hand from these. */
const plays: NewListeningEvent[] = [
  play('2024-03-04T08:10:00Z', 'Alpha', 'Ann', 200_000, {
    signal: 'positive',
    trackId: 't-alpha',
    genre: 'rock',
  }),
  play('2024-03-04T08:20:00Z', 'Alpha', 'Ann', 180_000, { trackId: 't-alpha', genre: 'rock' }),
  play('2024-03-05T21:00:00Z', 'Beta', 'Bob', 10_000, { signal: 'skip', trackId: 't-beta', genre: 'pop' }),
  play('2024-03-06T21:30:00Z', 'Beta', 'Bob', 5_000, {
    signal: 'weak-skip',
    trackId: 't-beta',
    genre: 'pop',
  }),
  play('2024-03-10T00:05:00Z', 'Gamma', 'Ann', 240_000, { signal: 'positive', albumName: 'G' }),
  play('2024-03-10T23:59:59Z', 'Delta', 'Cy', 60_000, { trackId: 't-delta', genre: 'rock', incognito: true }),
  play('2024-02-01T12:00:00Z', 'Old', 'Ann', 100_000),
  { ...play('2024-03-04T08:10:00Z', 'Alpha', 'Ann', 999_000), userId: 'u2' },
];

function play(
  playedAt: string,
  trackName: string,
  artistName: string,
  msPlayed: number,
  extra: Partial<NewListeningEvent> = {},
): NewListeningEvent {
  return {
    userId: 'u1',
    trackId: null,
    trackName,
    artistName,
    playedAt,
    msPlayed,
    source: 'extended',
    ...extra,
  };
}

const march = { userId: 'u1', from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' };

export function describeListeningStatsCases(store: StoreAccessor): void {
  describe('listening stats', () => {
    it('lists a listener’s plays within a time range, newest first (from inclusive, to exclusive)', async () => {
      await store().addListeningHistory(plays);
      const range = await store().listListeningHistory(
        { userId: 'u1', from: '2024-03-04T08:20:00Z', to: '2024-03-10T00:05:00.000Z' },
        { limit: 10 },
      );
      expect(range.items.map((item) => item.playedAt)).toEqual([
        '2024-03-06T21:30:00.000Z',
        '2024-03-05T21:00:00.000Z',
        '2024-03-04T08:20:00.000Z',
      ]);
      const since = await store().listListeningHistory(
        { userId: 'u1', from: '2024-03-10T00:00:00Z' },
        { limit: 10 },
      );
      expect(since.items.map((item) => item.trackName)).toEqual(['Delta', 'Gamma']);
      await expect(store().listListeningHistory({ from: 'yesterday' }, { limit: 1 })).rejects.toMatchObject({
        code: 'invalid',
        message: expect.stringContaining('from'),
      });
    });

    it('keeps what a play says (album, signal, privacy, genre) and fills in what it leaves out', async () => {
      await store().addListeningHistory(plays);
      const stored = await store().listListeningHistory({ userId: 'u1' }, { limit: 10 });
      expect(stored.items[0]).toEqual({
        userId: 'u1',
        trackId: 't-delta',
        trackName: 'Delta',
        artistName: 'Cy',
        albumName: null,
        playedAt: '2024-03-10T23:59:59.000Z',
        msPlayed: 60_000,
        source: 'extended',
        signal: 'neutral',
        incognito: true,
        genre: 'rock',
      });
      expect(stored.items[1]).toMatchObject({
        trackName: 'Gamma',
        albumName: 'G',
        signal: 'positive',
        genre: null,
      });
      expect(stored.items.at(-1)).toMatchObject({ trackName: 'Old', signal: 'neutral', incognito: false });
    });

    it('counts a period: totals, top tracks, artists, genres, skips and hours, one listener only', async () => {
      await store().addListeningHistory(plays);
      const stats = await store().listeningStats(march);
      const hours = new Array<number>(168).fill(0);
      // weekday × 24 + hour, UTC: Mon 08 twice, Tue 21, Wed 21, Sun 00, Sun 23.
      hours[32] = 2;
      hours[69] = 1;
      hours[93] = 1;
      hours[0] = 1;
      hours[23] = 1;
      expect(stats).toEqual({
        plays: 6,
        msPlayed: 695_000,
        skips: 2,
        matchedPlays: 5,
        firstPlayedAt: '2024-03-04T08:10:00.000Z',
        lastPlayedAt: '2024-03-10T23:59:59.000Z',
        topTracks: [
          {
            trackName: 'Alpha',
            artistName: 'Ann',
            trackId: 't-alpha',
            plays: 2,
            msPlayed: 380_000,
            skips: 0,
          },
          { trackName: 'Beta', artistName: 'Bob', trackId: 't-beta', plays: 2, msPlayed: 15_000, skips: 2 },
          { trackName: 'Gamma', artistName: 'Ann', trackId: null, plays: 1, msPlayed: 240_000, skips: 0 },
          { trackName: 'Delta', artistName: 'Cy', trackId: 't-delta', plays: 1, msPlayed: 60_000, skips: 0 },
        ],
        topArtists: [
          { artistName: 'Ann', plays: 3, msPlayed: 620_000, skips: 0 },
          { artistName: 'Bob', plays: 2, msPlayed: 15_000, skips: 2 },
          { artistName: 'Cy', plays: 1, msPlayed: 60_000, skips: 0 },
        ],
        mostSkippedArtists: [{ artistName: 'Bob', plays: 2, msPlayed: 15_000, skips: 2 }],
        topGenres: [
          { genre: 'rock', plays: 3, msPlayed: 440_000, skips: 0 },
          { genre: 'pop', plays: 2, msPlayed: 15_000, skips: 2 },
        ],
        playsByHourOfWeek: hours,
      });
    });

    it('cuts each list to `top`, includes `from`, excludes `to`, and covers all time without bounds', async () => {
      await store().addListeningHistory(plays);
      const one = await store().listeningStats({ ...march, top: 1 });
      expect(one.topTracks.map((row) => row.trackName)).toEqual(['Alpha']);
      expect(one.topArtists.map((row) => row.artistName)).toEqual(['Ann']);
      expect(one.topGenres.map((row) => row.genre)).toEqual(['rock']);
      const bounded = await store().listeningStats({
        userId: 'u1',
        from: '2024-03-04T08:20:00Z',
        to: '2024-03-10T23:59:59Z',
      });
      expect(bounded.plays).toBe(4);
      expect(bounded.firstPlayedAt).toBe('2024-03-04T08:20:00.000Z');
      expect(bounded.lastPlayedAt).toBe('2024-03-10T00:05:00.000Z');
      const all = await store().listeningStats({ userId: 'u1' });
      expect(all).toMatchObject({ plays: 7, msPlayed: 795_000, firstPlayedAt: '2024-02-01T12:00:00.000Z' });
      expect(all.topArtists[0]).toEqual({ artistName: 'Ann', plays: 4, msPlayed: 720_000, skips: 0 });
    });

    it('a listener with no plays gets zeros, not an error', async () => {
      expect(await store().listeningStats({ userId: 'nobody' })).toEqual({
        plays: 0,
        msPlayed: 0,
        skips: 0,
        matchedPlays: 0,
        firstPlayedAt: null,
        lastPlayedAt: null,
        topTracks: [],
        topArtists: [],
        mostSkippedArtists: [],
        topGenres: [],
        playsByHourOfWeek: new Array<number>(168).fill(0),
      });
    });

    it('refuses a bad period or list length, naming the field', async () => {
      await expect(store().listeningStats({ userId: 'u1', from: 'yesterday' })).rejects.toMatchObject({
        code: 'invalid',
        message: expect.stringContaining('from'),
      });
      await expect(store().listeningStats({ userId: 'u1', top: 0 })).rejects.toMatchObject({
        code: 'invalid',
        message: expect.stringContaining('top'),
      });
    });

    it('taste: plays outside private sessions by track, most played first, definite skips and full plays counted', async () => {
      await store().addListeningHistory(plays);
      expect(await store().listeningTaste('u1', 10)).toEqual([
        {
          trackId: 't-alpha',
          trackName: 'Alpha',
          artistName: 'Ann',
          plays: 2,
          skips: 0,
          positives: 1,
        },
        {
          trackId: 't-beta',
          trackName: 'Beta',
          artistName: 'Bob',
          plays: 2,
          skips: 1,
          positives: 0,
        },
        {
          trackId: null,
          trackName: 'Gamma',
          artistName: 'Ann',
          plays: 1,
          skips: 0,
          positives: 1,
        },
        {
          trackId: null,
          trackName: 'Old',
          artistName: 'Ann',
          plays: 1,
          skips: 0,
          positives: 0,
        },
      ]);
      expect(await store().listeningTaste('u1', 1)).toHaveLength(1);
      expect(await store().listeningTaste('nobody', 10)).toEqual([]);
    });
  });
}
