import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';
import { refusal, signedInApi } from './signed-in-api.js';

let fake: FakeSpotify;
beforeEach(async () => {
  fake = await startFakeSpotify();
});
afterEach(() => fake.close());

const heyJude = fakeTrack('Hey Jude', 'The Beatles', {
  album: 'Hey Jude',
  durationMs: 431_333,
  popularity: 77,
  releaseDate: '1968-08-26',
});

describe('Spotify Web API client: search', () => {
  it('sends a field-filtered track query and normalizes the tracks', async () => {
    fake.catalog.push(
      heyJude,
      fakeTrack('Hey Jude', 'Wilson Pickett'),
      fakeTrack('Let It Be', 'The Beatles'),
    );
    const { api } = signedInApi(fake);
    const tracks = await api.searchTrack({ title: 'Hey "Jude"', artist: 'The Beatles', limit: 3 });
    expect(fake.requests.at(-1)?.query).toEqual({
      q: 'track:"Hey Jude" artist:"The Beatles"',
      type: 'track',
      limit: '3',
    });
    expect(tracks).toEqual([
      {
        id: heyJude.id,
        uri: `spotify:track:${heyJude.id}`,
        name: 'Hey Jude',
        artists: ['The Beatles'],
        album: 'Hey Jude',
        durationMs: 431_333,
        popularity: 77,
        releaseDate: '1968-08-26',
        url: `https://open.spotify.com/track/${heyJude.id}`,
      },
    ]);
  });

  it('gives popularity as null where Spotify no longer sends it', async () => {
    fake.catalog.push(fakeTrack('Untitled', 'Someone', { popularity: undefined, releaseDate: '2019' }));
    const { api } = signedInApi(fake);
    const [track] = await api.searchTrack({ title: 'Untitled' });
    expect(track?.popularity).toBeNull();
    expect(track?.releaseDate).toBe('2019');
    expect(fake.requests.at(-1)?.query.limit).toBe('5');
  });

  it('refuses bad input before calling Spotify, naming the field', async () => {
    const { api } = signedInApi(fake);
    await expect(api.searchTrack({ title: '  ' })).rejects.toThrow('title: empty');
    await expect(api.searchTrack({ title: 'x', limit: 11 })).rejects.toThrow(/^limit: /);
    expect(fake.requests).toHaveLength(0);
  });

  it('names the field of a malformed answer', async () => {
    const { api } = signedInApi(fake);
    const track = { ...JSON.parse(JSON.stringify(heyJude)), name: 42 };
    fake.scriptNext([
      {
        status: 200,
        body: {
          tracks: {
            items: [{ ...track, uri: 'x', artists: [], album: { id: null, name: 'A' }, duration_ms: 1 }],
            total: 1,
          },
        },
      },
    ]);
    const error = await refusal(api.searchTrack({ title: 'Hey Jude' }));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(
      /^Spotify's answer to GET \/v1\/search is not as expected: tracks\.items\.0\.name: /,
    );
    fake.scriptNext([{ status: 200, body: { tracks: { items: [] } } }]);
    expect((await refusal(api.searchTrack({ title: 'Hey Jude' }))).message).toContain('tracks.total: ');
  });
});

describe('Spotify Web API client: recently played', () => {
  const minute = 60_000;
  const start = Date.parse('2026-05-01T08:00:00.000Z');
  const play = (index: number) => ({
    track: fakeTrack(`Song ${index}`, `Artist ${index}`),
    playedAt: new Date(start + index * 4 * minute).toISOString(),
  });

  it('returns plays oldest first, and a cursor that gets only newer plays next time', async () => {
    fake.plays.push(play(0), play(1), play(2));
    const { api } = signedInApi(fake);
    const first = await api.recentlyPlayed();
    expect(fake.requests.at(-1)?.query).toEqual({ limit: '50' });
    expect(first.plays.map((entry) => entry.trackName)).toEqual(['Song 0', 'Song 1', 'Song 2']);
    expect(first.plays[0]).toEqual({
      playedAt: '2026-05-01T08:00:00.000Z',
      trackId: play(0).track.id,
      uri: `spotify:track:${play(0).track.id}`,
      trackName: 'Song 0',
      artistName: 'Artist 0',
      albumName: 'Song 0 (single)',
      durationMs: 200_000,
    });
    expect(first.nextAfter).toBe(start + 8 * minute);
    expect(first.hasMore).toBe(false);

    fake.plays.push(play(3), play(4));
    const second = await api.recentlyPlayed({ after: first.nextAfter ?? 0 });
    expect(fake.requests.at(-1)?.query.after).toBe(String(start + 8 * minute));
    expect(second.plays.map((entry) => entry.trackName)).toEqual(['Song 3', 'Song 4']);

    const third = await api.recentlyPlayed({ after: second.nextAfter ?? 0 });
    expect(third).toEqual({ plays: [], nextAfter: second.nextAfter, hasMore: false });
  });

  it('pages forward with after when more plays than the limit are newer', async () => {
    fake.plays.push(play(0), play(1), play(2), play(3), play(4));
    const { api } = signedInApi(fake);
    const seen: string[] = [];
    let after = start - 1;
    for (let page = 0; page < 5; page += 1) {
      const result = await api.recentlyPlayed({ after, limit: 2 });
      seen.push(...result.plays.map((entry) => entry.trackName));
      after = result.nextAfter ?? after;
      if (!result.hasMore) break;
    }
    expect(seen).toEqual(['Song 0', 'Song 1', 'Song 2', 'Song 3', 'Song 4']);
    await expect(api.recentlyPlayed({ limit: 51 })).rejects.toThrow(/^limit: /);
  });
});

describe('Spotify Web API client: playlists', () => {
  it('creates a private playlist through /v1/me/playlists', async () => {
    const { api } = signedInApi(fake);
    const playlist = await api.createPlaylist({ name: 'Rainy morning', description: 'From EchoTune' });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/me/playlists',
      body: { name: 'Rainy morning', description: 'From EchoTune', public: false },
    });
    expect(playlist).toEqual({
      id: playlist.id,
      url: `https://open.spotify.com/playlist/${playlist.id}`,
      uri: `spotify:playlist:${playlist.id}`,
    });
    expect(fake.playlists.get(playlist.id)?.public).toBe(false);
  });

  it('refuses a URI that is not a track URI before calling Spotify', async () => {
    const { api } = signedInApi(fake);
    await expect(api.addTracks('abc', ['spotify:album:4iV5W9uYEdYUVa79Axb7Rh'])).rejects.toThrow(
      'uris.0: expected spotify:track:<22-character id>',
    );
    expect(fake.requests).toHaveLength(0);
    expect(await api.addTracks('abc', [])).toBeNull();
  });
});
