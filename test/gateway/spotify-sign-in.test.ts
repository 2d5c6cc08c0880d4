import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/echotune-server.js';
import { type FakeSpotify, startFakeSpotify } from '../support/fake-spotify.js';
import {
  api,
  followCallback,
  type SpotifyTestServer,
  signInWithSpotify,
  startSpotifyServer,
} from '../support/spotify-echotune.js';

describe('Spotify off', () => {
  it('answers 404 on every Spotify route, saying how to turn it on', async () => {
    const server = await startTestServer();
    try {
      const { token } = await server.guest();
      for (const [method, path] of [
        ['POST', '/api/v1/spotify/sign-in'],
        ['GET', '/api/v1/spotify/status'],
        ['POST', '/api/v1/spotify/sign-out'],
        ['POST', '/api/v1/recommendations/r1/playlist'],
      ] as const) {
        const answer = await api(server, token, path, { method });
        expect(answer.status, path).toBe(404);
        expect(answer.body).toMatchObject({
          error: { code: 'not_found', message: expect.stringContaining('SPOTIFY_CLIENT_ID') },
        });
      }
      const callback = await fetch(`${server.url}/api/v1/spotify/callback?state=x&code=y`, {
        redirect: 'manual',
      });
      expect(callback.status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe('Sign-in with Spotify', () => {
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
  // Each test signs in to a Spotify account of its own.
  beforeEach(() => {
    accounts += 1;
    fake.user = { id: `listener.${accounts}`, displayName: `Listener ${accounts}` };
    fake.plays = [];
  });

  it('round trip: sign-in URL → Spotify’s consent → callback → linked, with a token for the listener', async () => {
    const guest = await server.guest();
    const before = await api(server, guest.token, '/api/v1/spotify/status');
    expect(before.body).toEqual({ linked: false, displayName: null, lastSyncAt: null });

    const outcome = await signInWithSpotify(server, guest.token);
    const authorization = fake.authorizations.at(-1);
    expect(authorization).toMatchObject({
      client_id: fake.clientId,
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${server.url}/api/v1/spotify/callback`,
    });
    expect(outcome.landing.pathname).toBe('/');
    expect(outcome.landing.searchParams.get('spotify')).toBe('linked');
    expect(outcome.landing.searchParams.get('merged')).toBeNull();
    expect(outcome.userId).toBe(guest.userId);
    expect(outcome.token).toMatch(/^ey/);

    for (const token of [outcome.token!, guest.token]) {
      const status = await api(server, token, '/api/v1/spotify/status');
      expect(status.body).toEqual({
        linked: true,
        displayName: fake.user.displayName,
        lastSyncAt: expect.any(String),
      });
    }
    const store = await server.openStore();
    const stored = await store.getSpotifyAccount(guest.userId);
    await store.close();
    expect(stored?.spotifyUserId).toBe(fake.user.id);
    // Ciphertext only: the plaintext tokens the fake issued never reach the store.
    expect(stored?.accessToken).toMatch(/^v1\./);
    expect(stored?.refreshToken).toMatch(/^v1\./);
  });

  it('refuses a replayed callback, an unknown state, a missing state cookie and a declined consent', async () => {
    const guest = await server.guest();
    const first = await signInWithSpotify(server, guest.token);
    expect(first.landing.searchParams.get('spotify')).toBe('linked');

    const replay = await followCallback(server, first.callbackUrl, first.cookie);
    expect(Object.fromEntries(replay.landing.searchParams)).toMatchObject({
      spotify: 'error',
      reason: 'state',
      message: expect.stringContaining('already used'),
    });
    expect(replay.token).toBeNull();

    const unknown = new URL(first.callbackUrl);
    unknown.searchParams.set('state', 'forged-state');
    const forged = await followCallback(server, unknown.toString(), 'echotune_spotify_state=forged-state');
    expect(forged.landing.searchParams.get('reason')).toBe('state');

    // Spotify's redirect in another browser (no cookie from this sign-in): refused, and the sign-in survives.
    const other = await server.guest();
    const start = await fetch(`${server.url}/api/v1/spotify/sign-in`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}` },
    });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(start.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    const consent = await fetch(((await start.json()) as { url: string }).url, { redirect: 'manual' });
    const callbackUrl = consent.headers.get('location')!;
    const elsewhere = await followCallback(server, callbackUrl, '');
    expect(elsewhere.landing.searchParams.get('reason')).toBe('state');
    const here = await followCallback(server, callbackUrl, cookie);
    expect(here.landing.searchParams.get('spotify')).toBe('linked');

    fake.user = { id: `${fake.user.id}.declines`, displayName: 'No' };
    fake.declineNextAuthorization();
    const declined = await signInWithSpotify(server, (await server.guest()).token);
    expect(declined.landing.searchParams.get('reason')).toBe('declined');

    const noState = await fetch(`${server.url}/api/v1/spotify/callback?code=abc`, { redirect: 'manual' });
    expect(new URL(noState.headers.get('location')!, server.url).searchParams.get('reason')).toBe('invalid');
  });

  it('a guest on a second device signing in to the same account becomes that listener, sessions and feedback kept', async () => {
    const laptop = await server.guest();
    const laptopClient = await server.connect(laptop.token);
    const { session: laptopSession } = await laptopClient.ok('session:create', { title: 'on the laptop' });
    expect((await signInWithSpotify(server, laptop.token)).userId).toBe(laptop.userId);

    const phone = await server.guest();
    const phoneClient = await server.connect(phone.token);
    const { session: phoneSession } = await phoneClient.ok('session:create', { title: 'on the phone' });
    await phoneClient.ok('message:send', {
      sessionId: phoneSession.id,
      clientMsgId: 'p1',
      text: 'upbeat dance pop',
    });
    const recs = await phoneClient.waitFor('turn:recs');
    await phoneClient.waitFor('turn:done');
    await phoneClient.ok('feedback', {
      recommendationId: recs.recommendationId,
      trackId: recs.tracks[0]!.id,
      signal: 'like',
    });

    const outcome = await signInWithSpotify(server, phone.token);
    expect(outcome.userId).toBe(laptop.userId);
    expect(outcome.landing.searchParams.get('merged')).toBe('1');
    const sessions = await api(server, outcome.token!, '/api/v1/sessions');
    const titles = (sessions.body.items as Array<{ id: string; title: string }>).map((session) => session.id);
    expect(titles.sort()).toEqual([laptopSession.id, phoneSession.id].sort());
    const messages = await api(server, outcome.token!, `/api/v1/sessions/${phoneSession.id}/messages`);
    expect(messages.status).toBe(200);
    expect((messages.body.items as unknown[]).length).toBe(2);
    expect((await api(server, phone.token, '/api/v1/sessions')).body.items).toEqual([]);

    const store = await server.openStore();
    const feedback = await store.listFeedback({ userId: laptop.userId }, { limit: 10 });
    await store.close();
    expect(feedback.items).toMatchObject([{ recommendationId: recs.recommendationId, signal: 'like' }]);
    const status = await api(server, outcome.token!, '/api/v1/spotify/status');
    expect(status.body).toMatchObject({ linked: true });
  });

  it('a widget’s token cannot start a sign-in (the redirect lands on EchoTune’s page, not the site)', async () => {
    const store = await server.openStore();
    const siteKey = await store.createSiteKey({ name: 'shop', origins: ['https://shop.example'] });
    await store.close();
    const guest = await fetch(`${server.url}/api/v1/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ siteKey: siteKey.key }),
    });
    const { token } = (await guest.json()) as { token: string };
    const start = await fetch(`${server.url}/api/v1/spotify/sign-in`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: 'https://shop.example' },
    });
    expect(start.status).toBe(403);
  });

  it('sign-out deletes the stored tokens; Spotify actions then answer 409 until the next sign-in', async () => {
    const guest = await server.guest();
    await signInWithSpotify(server, guest.token);
    const out = await api(server, guest.token, '/api/v1/spotify/sign-out', { method: 'POST' });
    expect(out.body).toEqual({
      linked: false,
      removed: true,
      manageAccess: 'https://www.spotify.com/account/apps/',
    });
    const store = await server.openStore();
    expect(await store.getSpotifyAccount(guest.userId)).toBeNull();
    expect(await store.findBySpotifyUser(fake.user.id)).toBeNull();
    const recommendation = await store.saveRecommendation({
      sessionId: 's',
      userId: guest.userId,
      turnId: 't',
      query: {},
      tracks: [{ trackId: '4uLU6hMCjMI75M1A2tKUQC', score: 1, reasons: [] }],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await store.close();
    expect((await api(server, guest.token, '/api/v1/spotify/status')).body).toMatchObject({ linked: false });
    const playlist = await api(server, guest.token, `/api/v1/recommendations/${recommendation.id}/playlist`, {
      method: 'POST',
      body: {},
    });
    expect(playlist.status).toBe(409);
    expect(playlist.body).toMatchObject({
      error: { code: 'conflict', message: expect.stringContaining('sign-in') },
    });
    const again = await api(server, guest.token, '/api/v1/spotify/sign-out', { method: 'POST' });
    expect(again.body).toMatchObject({ removed: false });
  });
});
