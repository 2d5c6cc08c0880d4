import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenCipher, decodeEncryptionKey, encryptionKeyId } from '../../src/spotify/index.js';
import type { Store } from '../../src/store/index.js';
import { freePort } from '../support/environment.js';
import {
  type FakePlay,
  type FakeSpotify,
  fakeTrack,
  spotifyId,
  startFakeSpotify,
} from '../support/fake-spotify.js';
import {
  api,
  newEncryptionKey,
  type SpotifyTestServer,
  signInWithSpotify,
  startSpotifyServer,
} from '../support/spotify-echotune.js';

const minute = 60_000;

function cipherOf(key: string) {
  return createTokenCipher({ current: decodeEncryptionKey(key)! });
}

async function withStore<Result>(server: SpotifyTestServer, work: (store: Store) => Promise<Result>) {
  const store = await server.openStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The bearer token of the fake's last Web API request. */
function lastBearer(fake: FakeSpotify): string | undefined {
  const request = fake.requests.filter((entry) => entry.path.startsWith('/v1/')).at(-1);
  return request?.authorization?.replace(/^Bearer /, '');
}

describe('Spotify sync, tokens and playlists', () => {
  let fake: FakeSpotify;
  let server: SpotifyTestServer;
  let accounts = 0;

  beforeAll(async () => {
    fake = await startFakeSpotify();
    server = await startSpotifyServer(fake);
  });
  afterAll(async () => {
    await server.stop();
    await fake.close();
    rmSync(server.spotifyDataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    accounts += 1;
    fake.user = { id: `listener.${accounts}`, displayName: `Listener ${accounts}` };
    fake.plays = [];
    fake.catalog = [];
  });

  it('stores recently played at sign-in, matched to the catalog; re-syncs add nothing; imported plays are not doubled', async () => {
    const start = Date.now() - 3 * 60 * minute;
    const play = (offsetMinutes: number, name: string, artist = 'Sync Artist'): FakePlay => ({
      track: fakeTrack(name, artist, { durationMs: 200_000 }),
      playedAt: new Date(start + offsetMinutes * minute).toISOString(),
    });
    fake.plays = [
      play(0, 'Alpha'),
      play(4, 'Imported'),
      play(8, 'Blinding Lights', 'The Weeknd'),
      play(12, 'Delta'),
    ];
    const guest = await server.guest();
    // The same play, from the listener's export: its end time, to the minute, a little after played_at.
    const importedEnd = new Date(Math.ceil((start + 4 * minute + 90_000) / minute) * minute).toISOString();
    await withStore(server, (store) =>
      store.addListeningHistory([
        {
          userId: guest.userId,
          trackId: null,
          trackName: 'Imported',
          artistName: 'Sync Artist',
          playedAt: importedEnd,
          msPlayed: 200_000,
          source: 'account',
        },
      ]),
    );

    await signInWithSpotify(server, guest.token);
    const history = () =>
      withStore(
        server,
        async (store) => (await store.listListeningHistory({ userId: guest.userId }, { limit: 100 })).items,
      );
    const synced = await history();
    expect(synced.map((event) => [event.trackName, event.source])).toEqual([
      ['Delta', 'recently-played'],
      ['Blinding Lights', 'recently-played'],
      ['Imported', 'account'],
      ['Alpha', 'recently-played'],
    ]);
    expect(synced.find((event) => event.trackName === 'Alpha')).toMatchObject({
      msPlayed: 200_000,
      signal: 'neutral',
      incognito: false,
      trackId: null,
      albumName: 'Alpha (single)',
    });
    expect(synced.find((event) => event.trackName === 'Blinding Lights')).toMatchObject({
      trackId: expect.stringMatching(/^echotune:/),
      genre: 'pop',
    });
    const link = await withStore(server, (store) => store.getSpotifyAccount(guest.userId));
    expect(link?.lastSyncAfter).toBe(Date.parse(fake.plays[3]!.playedAt));
    expect((await api(server, guest.token, '/api/v1/spotify/status')).body.lastSyncAt).toBe(link?.lastSyncAt);

    // Again from the cursor: Spotify has nothing newer.
    await signInWithSpotify(server, guest.token);
    expect(await history()).toHaveLength(4);
    // Again from scratch (a lost cursor): every play is already held.
    await withStore(server, (store) => store.saveSpotifySyncCursor(fake.user.id, null));
    await signInWithSpotify(server, guest.token);
    expect(await history()).toHaveLength(4);
    // Something new was played.
    fake.plays.push(play(16, 'Echo'));
    await signInWithSpotify(server, guest.token);
    expect((await history()).map((event) => event.trackName)[0]).toBe('Echo');
    expect(await history()).toHaveLength(5);
  });

  it('a recommendation becomes a playlist in its order; others’ are refused, bad input names the field', async () => {
    const guest = await server.guest();
    const client = await server.connect(guest.token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'r1', text: 'upbeat dance pop' });
    const recs = await client.waitFor('turn:recs');
    await client.waitFor('turn:done');
    const tracks = recs.tracks;
    expect(tracks.length).toBeGreaterThanOrEqual(3);
    // The bundled catalog's ids are not Spotify's: each is found by title and artist; the last is not on Spotify.
    const onSpotify = tracks.slice(0, -1).map((track) => fakeTrack(track.name, track.artists[0]!));
    fake.catalog = onSpotify;
    await signInWithSpotify(server, guest.token);

    const path = `/api/v1/recommendations/${recs.recommendationId}/playlist`;
    const whole = await api(server, guest.token, path, { method: 'POST', body: {} });
    expect(whole.status).toBe(201);
    expect(whole.body).toEqual({
      playlistId: expect.any(String),
      url: expect.stringContaining('open.spotify.com/playlist/'),
      added: onSpotify.length,
      notFound: [tracks.at(-1)!.id],
    });
    const created = fake.playlists.get(whole.body.playlistId as string)!;
    expect(created.uris).toEqual(onSpotify.map((track) => `spotify:track:${track.id}`));
    expect(created.name).toMatch(/^EchoTune/);
    expect(created.public).toBe(false);

    const picked = await api(server, guest.token, path, {
      method: 'POST',
      body: { name: 'Two of them', trackIds: [tracks[1]!.id, tracks[0]!.id] },
    });
    const pickedList = fake.playlists.get(picked.body.playlistId as string)!;
    expect(pickedList.name).toBe('Two of them');
    expect(pickedList.uris).toEqual(
      [onSpotify[1], onSpotify[0]].map((track) => `spotify:track:${track!.id}`),
    );

    const refusals: Array<[unknown, number, string]> = [
      [{ trackIds: ['not-in-it'] }, 400, 'body.trackIds.0: not-in-it is not in this recommendation'],
      [{ name: '' }, 400, 'body.name'],
      [{ trackIds: [] }, 400, 'body.trackIds'],
      [{ colour: 'red' }, 400, 'body'],
    ];
    for (const [body, status, message] of refusals) {
      const answer = await api(server, guest.token, path, { method: 'POST', body });
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body).toMatchObject({
        error: { code: 'invalid', message: expect.stringContaining(message) },
      });
    }
    const stranger = await server.guest();
    const theirs = await api(server, stranger.token, path, { method: 'POST', body: {} });
    expect(theirs.status).toBe(403);
    const missing = await api(server, guest.token, '/api/v1/recommendations/no-such-id/playlist', {
      method: 'POST',
      body: {},
    });
    expect(missing.status).toBe(404);
  });

  it('a refresh after a 401 stores the new tokens, encrypted', async () => {
    const guest = await server.guest();
    await signInWithSpotify(server, guest.token);
    const cipher = cipherOf(server.key);
    const before = (await withStore(server, (store) => store.getSpotifyAccount(guest.userId)))!;
    const oldAccess = cipher.decrypt(before.accessToken, before.spotifyUserId);
    const oldRefresh = cipher.decrypt(before.refreshToken, before.spotifyUserId);
    const recommendation = await withStore(server, (store) =>
      store.saveRecommendation({
        sessionId: 'session',
        userId: guest.userId,
        turnId: 'turn',
        query: {},
        tracks: [spotifyId('one'), spotifyId('two')].map((trackId) => ({ trackId, score: 1, reasons: [] })),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    fake.expireAccessTokens();

    const answer = await api(server, guest.token, `/api/v1/recommendations/${recommendation.id}/playlist`, {
      method: 'POST',
      body: { name: 'After a refresh' },
    });
    expect(answer.status).toBe(201);
    expect(fake.playlists.get(answer.body.playlistId as string)?.uris).toEqual([
      `spotify:track:${spotifyId('one')}`,
      `spotify:track:${spotifyId('two')}`,
    ]);
    const after = (await withStore(server, (store) => store.getSpotifyAccount(guest.userId)))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    const newAccess = cipher.decrypt(after.accessToken, after.spotifyUserId);
    expect(newAccess).not.toBe(oldAccess);
    expect(newAccess).toBe(lastBearer(fake));
    // The fake rotates refresh tokens, as Spotify may: the old one is retired, the new one is kept.
    expect(cipher.decrypt(after.refreshToken, after.spotifyUserId)).not.toBe(oldRefresh);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('Spotify key rotation', () => {
  it('a restart with a new key (the old one kept as previous) still works and re-encrypts under the new key', async () => {
    const fake = await startFakeSpotify();
    const dataDir = mkdtempSync(join(tmpdir(), 'echotune-rotation-'));
    const port = await freePort();
    const keyA = newEncryptionKey();
    const keyB = newEncryptionKey();
    const idOf = (key: string) => encryptionKeyId(decodeEncryptionKey(key)!);
    try {
      const first = await startSpotifyServer(fake, { dataDir, port, key: keyA });
      const guest = await first.guest();
      await signInWithSpotify(first, guest.token);
      const underA = (await withStore(first, (store) => store.getSpotifyAccount(guest.userId)))!;
      expect(underA.accessToken.split('.')[1]).toBe(idOf(keyA));
      await first.stop();

      const second = await startSpotifyServer(fake, { dataDir, port, key: keyB, previousKeys: [keyA] });
      try {
        const recommendation = await withStore(second, (store) =>
          store.saveRecommendation({
            sessionId: 'session',
            userId: guest.userId,
            turnId: 'turn',
            query: {},
            tracks: [{ trackId: spotifyId('rotated'), score: 1, reasons: [] }],
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          }),
        );
        const answer = await api(
          second,
          guest.token,
          `/api/v1/recommendations/${recommendation.id}/playlist`,
          {
            method: 'POST',
            body: {},
          },
        );
        expect(answer.status).toBe(201);
        const underB = (await withStore(second, (store) => store.getSpotifyAccount(guest.userId)))!;
        for (const value of [underB.accessToken, underB.refreshToken]) {
          expect(value.split('.')[1]).toBe(idOf(keyB));
        }
        const plain = cipherOf(keyB).decrypt(underB.refreshToken, underB.spotifyUserId);
        expect(plain).toBe(cipherOf(keyA).decrypt(underA.refreshToken, underA.spotifyUserId));
        expect(() => cipherOf(keyA).decrypt(underB.refreshToken, underB.spotifyUserId)).toThrow();
      } finally {
        await second.stop();
      }
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
