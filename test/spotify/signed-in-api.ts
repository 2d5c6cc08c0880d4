import {
  RefreshingTokenProvider,
  type RetryPolicy,
  SpotifyAccounts,
  SpotifyApi,
  type SpotifyTokens,
} from '../../src/spotify/index.js';
import type { FakeSpotify } from '../support/fake-spotify.js';

/** A Web API client for the fake's listener, past sign-in, with the waits it would have slept recorded. */
export function signedInApi(
  fake: FakeSpotify,
  options: { expiresInMs?: number; retry?: Partial<RetryPolicy> } = {},
) {
  const issued = fake.issueTokens();
  const sleeps: number[] = [];
  const refreshed: SpotifyTokens[] = [];
  const sleep = async (milliseconds: number) => {
    sleeps.push(milliseconds);
  };
  const accounts = new SpotifyAccounts({ accountsBaseUrl: fake.baseUrl, clientId: fake.clientId, sleep });
  const tokens = new RefreshingTokenProvider({
    tokens: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + (options.expiresInMs ?? 3600_000),
      scope: issued.scope,
    },
    accounts,
    onRefreshed: (fresh) => {
      refreshed.push(fresh);
    },
  });
  const api = new SpotifyApi({ apiBaseUrl: fake.baseUrl, tokens, sleep, retry: options.retry });
  return { api, tokens, issued, sleeps, refreshed };
}

export async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (error instanceof Error) return error as Error & { code?: string; retryAfterMs?: number };
  throw new Error('expected the call to be refused');
}
