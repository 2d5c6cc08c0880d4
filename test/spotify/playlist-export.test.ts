import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportPlaylist } from '../../src/spotify/index.js';
import { type FakeSpotify, spotifyId, startFakeSpotify } from '../support/fake-spotify.js';
import { signedInApi } from './signed-in-api.js';

let fake: FakeSpotify;
beforeEach(async () => {
  fake = await startFakeSpotify();
});
afterEach(() => fake.close());

describe('playlist export', () => {
  it('creates the playlist and adds 150 tracks in two requests, in order', async () => {
    const { api } = signedInApi(fake);
    const trackIds = Array.from({ length: 150 }, (_, index) => spotifyId(`track ${index}`));
    const exported = await exportPlaylist(api, {
      name: 'Focus',
      description: 'Recommended by EchoTune',
      trackIds,
    });

    const adds = fake.requests.filter((request) => request.path.endsWith('/items'));
    expect(adds.map((request) => (request.body as { uris: string[] }).uris.length)).toEqual([100, 50]);
    expect(adds[0]?.path).toBe(`/v1/playlists/${exported.playlistId}/items`);
    const playlist = fake.playlists.get(exported.playlistId);
    expect(playlist?.uris).toEqual(trackIds.map((id) => `spotify:track:${id}`));
    expect(playlist).toMatchObject({ name: 'Focus', description: 'Recommended by EchoTune', public: false });
    expect(exported).toEqual({
      playlistId: exported.playlistId,
      url: `https://open.spotify.com/playlist/${exported.playlistId}`,
      added: 150,
    });
  });

  it('refuses bad track ids, or none, before creating anything', async () => {
    const { api } = signedInApi(fake);
    await expect(
      exportPlaylist(api, { name: 'Focus', trackIds: [spotifyId('a'), 'not-an-id'] }),
    ).rejects.toThrow('trackIds.1: expected a 22-character Spotify track id');
    await expect(exportPlaylist(api, { name: 'Focus', trackIds: [] })).rejects.toThrow(
      'trackIds: no tracks to export',
    );
    await expect(exportPlaylist(api, { name: ' ', trackIds: [spotifyId('a')] })).rejects.toThrow(
      'name: empty',
    );
    expect(fake.requests).toHaveLength(0);
  });
});
