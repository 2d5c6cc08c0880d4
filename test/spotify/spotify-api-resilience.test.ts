import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { SpotifyAccounts, SpotifyApi } from '../../src/spotify/index.js';
import { type FakeSpotify, startFakeSpotify } from '../support/fake-spotify.js';
import { refusal, signedInApi } from './signed-in-api.js';

let fake: FakeSpotify;
beforeEach(async () => {
  fake = await startFakeSpotify();
});
afterEach(() => fake.close());

const paths = () => fake.requests.map((request) => `${request.method} ${request.path}`);

describe('Spotify Web API client: tokens', () => {
  it('refreshes once on a 401 and retries with the new token', async () => {
    const { api, issued, refreshed } = signedInApi(fake);
    fake.expireAccessTokens();
    expect(await api.me()).toEqual({ id: 'listener.one', displayName: 'Listener One' });
    expect(paths()).toEqual(['GET /v1/me', 'POST /api/token', 'GET /v1/me']);
    expect(fake.requests[1]?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: issued.refreshToken,
      client_id: fake.clientId,
    });
    expect(refreshed).toHaveLength(1);
    expect(fake.requests[2]?.authorization).toBe(`Bearer ${refreshed[0]?.accessToken}`);
  });

  it('gives up with unauthorized when the refreshed token is refused too', async () => {
    const { api } = signedInApi(fake);
    const expired = { status: 401, body: { error: { status: 401, message: 'The access token expired' } } };
    fake.scriptNext([expired, expired]);
    const error = await refusal(api.me());
    expect(error).toBeInstanceOf(EchoError);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('Spotify sign-in expired; sign in again');
    expect(paths()).toEqual(['GET /v1/me', 'POST /api/token', 'GET /v1/me']);
  });

  it('asks the listener to sign in again when Spotify refuses the refresh token', async () => {
    const { api, issued } = signedInApi(fake);
    const accounts = new SpotifyAccounts({ accountsBaseUrl: fake.baseUrl, clientId: fake.clientId });
    // With rotation, the first refresh retires the refresh token the client still holds.
    await accounts.refresh(issued.refreshToken);
    fake.expireAccessTokens();
    const error = await refusal(api.me());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      'Spotify sign-in expired; sign in again (error: invalid_grant, error_description: "Invalid refresh token")',
    );
  });

  it('refreshes before expiry instead of waiting for a 401', async () => {
    const { api, refreshed } = signedInApi(fake, { expiresInMs: 30_000 });
    await api.me();
    expect(paths()).toEqual(['POST /api/token', 'GET /v1/me']);
    expect(refreshed[0]?.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('keeps the refresh token when Spotify sends no new one, and stores the new one when it does', async () => {
    fake.rotateRefreshTokens = false;
    const kept = signedInApi(fake, { expiresInMs: 0 });
    await kept.api.me();
    expect(kept.refreshed[0]?.refreshToken).toBe(kept.issued.refreshToken);

    fake.rotateRefreshTokens = true;
    const rotated = signedInApi(fake, { expiresInMs: 0 });
    await rotated.api.me();
    expect(rotated.refreshed[0]?.refreshToken).toMatch(/^refresh-/);
    expect(rotated.refreshed[0]?.refreshToken).not.toBe(rotated.issued.refreshToken);
  });

  it('refreshes once for concurrent calls that all meet an expired token', async () => {
    const { api, refreshed } = signedInApi(fake);
    fake.expireAccessTokens();
    await Promise.all([api.me(), api.me(), api.me()]);
    expect(refreshed).toHaveLength(1);
    expect(paths().filter((path) => path === 'POST /api/token')).toHaveLength(1);
  });
});

describe('Spotify Web API client: rate limits and failures', () => {
  it('waits out a 429 for Retry-After seconds, then succeeds', async () => {
    const { api, sleeps } = signedInApi(fake);
    fake.rateLimitNext(2, 7);
    expect((await api.me()).id).toBe('listener.one');
    expect(sleeps).toEqual([7_000, 7_000]);
    expect(paths()).toEqual(['GET /v1/me', 'GET /v1/me', 'GET /v1/me']);
  });

  it('answers rate_limited with retryAfterMs when Retry-After exceeds the cap, without waiting', async () => {
    const { api, sleeps } = signedInApi(fake);
    fake.rateLimitNext(1, 120);
    const error = await refusal(api.me());
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toBe('Spotify is rate limiting GET /v1/me; try again in 120 s');
    expect(sleeps).toEqual([]);
  });

  it('answers rate_limited once the retries are spent', async () => {
    const { api, sleeps } = signedInApi(fake, { retry: { maxRateLimitRetries: 2 } });
    fake.rateLimitNext(3, 1);
    const error = await refusal(api.me());
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(1_000);
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('retries a 5xx with growing backoff, then answers unavailable', async () => {
    const failure = { status: 503, body: { error: { status: 503, message: 'Service unavailable' } } };
    const recovering = signedInApi(fake);
    fake.scriptNext([failure, failure]);
    expect((await recovering.api.me()).id).toBe('listener.one');
    expect(recovering.sleeps).toEqual([500, 1_000]);

    const failing = signedInApi(fake);
    fake.scriptNext([failure, failure, failure]);
    const error = await refusal(failing.api.me());
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe('Spotify answered 503 to GET /v1/me, after retries');
  });

  it('answers unavailable when Spotify cannot be reached', async () => {
    const api = new SpotifyApi({
      apiBaseUrl: 'http://127.0.0.1:1',
      tokens: { accessToken: async () => 'token', refresh: async () => 'token' },
      sleep: async () => undefined,
    });
    const error = await refusal(api.me());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('Spotify could not be reached for GET /v1/me');
  });

  it('reports another 4xx with Spotify’s own message', async () => {
    const { api } = signedInApi(fake);
    fake.scriptNext([
      { status: 403, body: { error: { status: 403, message: 'Insufficient client scope' } } },
    ]);
    const error = await refusal(api.createPlaylist({ name: 'Calm' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(
      'Spotify refused POST /v1/me/playlists (403, error.message: "Insufficient client scope")',
    );
    const missing = await refusal(api.addTracks('NoSuchPlaylist', ['spotify:track:4iV5W9uYEdYUVa79Axb7Rh']));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('error.message: "Resource not found"');
  });
});
