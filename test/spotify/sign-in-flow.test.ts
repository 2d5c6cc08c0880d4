import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import {
  codeChallenge,
  createCodeVerifier,
  MemoryPendingSignInStore,
  type PendingSignInStore,
  SpotifySignIn,
} from '../../src/spotify/index.js';
import { type FakeSpotify, startFakeSpotify } from '../support/fake-spotify.js';

const redirectUri = 'https://echotune.example/api/v1/spotify/callback';

let fake: FakeSpotify;
let clock: number;

beforeEach(async () => {
  fake = await startFakeSpotify();
  clock = Date.parse('2026-05-01T12:00:00Z');
});
afterEach(() => fake.close());

function signIn(pending: PendingSignInStore = new MemoryPendingSignInStore({ now: () => clock })) {
  return new SpotifySignIn({
    clientId: fake.clientId,
    redirectUri,
    accountsBaseUrl: fake.baseUrl,
    apiBaseUrl: fake.baseUrl,
    pending,
    now: () => clock,
  });
}

/** The listener's browser: open the authorize URL, and read where Spotify sends it back. */
async function consent(url: string): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(redirectUri);
  return location.searchParams;
}

async function refusal(promise: Promise<unknown>): Promise<EchoError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (error instanceof EchoError) return error;
  throw new Error(`expected an EchoError, got ${String(error)}`);
}

const tokenRequests = () => fake.requests.filter((request) => request.path === '/api/token');

describe('Spotify sign-in (PKCE)', () => {
  it('completes the round trip: authorize, redirect back, code and verifier for tokens, profile', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    expect(started.expiresAt).toBe(clock + 10 * 60_000);
    const back = await consent(started.url);
    expect(back.get('state')).toBe(started.state);

    const result = await flow.finish({
      userId: 'listener-1',
      state: started.state,
      code: back.get('code') ?? '',
    });
    expect(result.spotifyUserId).toBe('listener.one');
    expect(result.displayName).toBe('Listener One');
    expect(result.tokens.accessToken).toMatch(/^access-/);
    expect(result.tokens.refreshToken).toMatch(/^refresh-/);
    expect(result.tokens.expiresAt).toBe(clock + 3600_000);
    expect(result.tokens.scope).toBe(
      'user-read-recently-played playlist-modify-private playlist-modify-public',
    );

    const authorization = fake.authorizations[0];
    expect(authorization).toMatchObject({
      client_id: fake.clientId,
      redirect_uri: redirectUri,
      state: started.state,
    });
    expect(authorization?.code_challenge_method).toBe('S256');
    const [exchange] = tokenRequests();
    const fields = exchange?.body as Record<string, string>;
    expect(Object.keys(fields).sort()).toEqual([
      'client_id',
      'code',
      'code_verifier',
      'grant_type',
      'redirect_uri',
    ]);
    expect(fields.grant_type).toBe('authorization_code');
    expect(codeChallenge(fields.code_verifier ?? '')).toBe(authorization?.code_challenge);
    // A public client: no secret, in the body or as Basic authentication.
    expect(exchange?.authorization).toBeUndefined();
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/me',
      authorization: `Bearer ${result.tokens.accessToken}`,
    });
  });

  it('refuses a state it did not start', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    const back = await consent(started.url);
    const error = await refusal(
      flow.finish({ userId: 'listener-1', state: 'forged-state', code: back.get('code') ?? '' }),
    );
    expect(error.code).toBe('invalid');
    expect(error.message).toBe('Spotify sign-in state unknown or already used; sign in again');
    expect(tokenRequests()).toHaveLength(0);
  });

  it('refuses a state used once already', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    const back = await consent(started.url);
    const callback = { userId: 'listener-1', state: started.state, code: back.get('code') ?? '' };
    await flow.finish(callback);
    const error = await refusal(flow.finish(callback));
    expect(error.message).toContain('unknown or already used');
    expect(tokenRequests()).toHaveLength(1);
  });

  it('refuses a state past its expiry, and it stays used up', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    const back = await consent(started.url);
    clock += 10 * 60_000;
    const callback = { userId: 'listener-1', state: started.state, code: back.get('code') ?? '' };
    expect((await refusal(flow.finish(callback))).message).toBe('Spotify sign-in expired; sign in again');
    clock -= 60_000;
    expect((await refusal(flow.finish(callback))).message).toContain('already used');
  });

  it('refuses a redirect finished by another listener than the one who started it', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    const back = await consent(started.url);
    const error = await refusal(
      flow.finish({ userId: 'listener-2', state: started.state, code: back.get('code') ?? '' }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('started by another listener');
  });

  it('reports a declined consent', async () => {
    const flow = signIn();
    const started = await flow.start('listener-1');
    fake.declineNextAuthorization();
    const back = await consent(started.url);
    expect(back.get('code')).toBeNull();
    const error = await refusal(
      flow.finish({
        userId: 'listener-1',
        state: back.get('state') ?? '',
        error: back.get('error') ?? undefined,
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Spotify sign-in was not granted (error: access_denied)');
  });

  it('passes on the server refusing a wrong verifier, clearly', async () => {
    const memory = new MemoryPendingSignInStore({ now: () => clock });
    // A store that hands back a different verifier than the one the challenge was made from.
    const swapped: PendingSignInStore = {
      save: (pending) => memory.save(pending),
      take: async (state) => {
        const pending = await memory.take(state);
        return pending && { ...pending, verifier: createCodeVerifier() };
      },
    };
    const flow = signIn(swapped);
    const started = await flow.start('listener-1');
    const back = await consent(started.url);
    const error = await refusal(
      flow.finish({ userId: 'listener-1', state: started.state, code: back.get('code') ?? '' }),
    );
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      'Spotify refused the sign-in code; start sign-in again (error: invalid_grant, error_description: "code_verifier was incorrect")',
    );
  });

  it('keeps pending sign-ins server-side, sweeping expired ones', async () => {
    const store = new MemoryPendingSignInStore({ now: () => clock });
    const flow = signIn(store);
    const started = await flow.start('listener-1');
    expect(started.url).not.toContain('verifier');
    expect(store.size).toBe(1);
    clock += 11 * 60_000;
    await flow.start('listener-2');
    expect(store.size).toBe(1);
  });
});
