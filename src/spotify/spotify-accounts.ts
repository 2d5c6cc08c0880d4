import { EchoError } from '../errors.js';
import { tokenErrorSchema, tokenResponseSchema } from './spotify-accounts-schemas.js';
import {
  defaultRetryPolicy,
  type FetchFunction,
  type RetryPolicy,
  readErrorBody,
  readJson,
  realSleep,
  type Sleep,
  sendWithRetries,
} from './spotify-http.js';
import type { SpotifyTokens } from './spotify-tokens.js';
import { spotifyUrl } from './spotify-url.js';

export interface SpotifyAccountsOptions {
  /** https://accounts.spotify.com, or a local fake in tests. */
  accountsBaseUrl: string;
  clientId: string;
  fetch?: FetchFunction;
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

type Grant = 'authorization_code' | 'refresh_token';

/**
 * Spotify's Accounts service: the two token grants of the PKCE flow. Neither sends a client secret; the
 * code verifier (and later the refresh token) proves who is asking.
 */
export class SpotifyAccounts {
  readonly #options: SpotifyAccountsOptions;
  readonly #policy: RetryPolicy;

  constructor(options: SpotifyAccountsOptions) {
    this.#options = options;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
  }

  /** Trades the code from Spotify's redirect, and the verifier kept since `start`, for tokens. */
  async exchangeCode(input: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
  }): Promise<SpotifyTokens> {
    const answer = await this.#requestToken('authorization_code', {
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    });
    if (answer.refresh_token === undefined) {
      throw new EchoError('provider_error', 'Spotify issued no refresh_token for the sign-in code', {
        retryable: false,
      });
    }
    return this.#tokens(answer, answer.refresh_token);
  }

  /** New tokens from a refresh token; Spotify may or may not rotate the refresh token, so the old one stays when it does not. */
  async refresh(refreshToken: string): Promise<SpotifyTokens> {
    const answer = await this.#requestToken('refresh_token', { refresh_token: refreshToken });
    return this.#tokens(answer, answer.refresh_token ?? refreshToken);
  }

  async #requestToken(grant: Grant, fields: Record<string, string>) {
    const what = `POST /api/token (${grant})`;
    const body = new URLSearchParams({ grant_type: grant, ...fields, client_id: this.#options.clientId });
    const fetchFunction = this.#options.fetch ?? fetch;
    const response = await sendWithRetries(
      (signal) =>
        fetchFunction(spotifyUrl(this.#options.accountsBaseUrl, '/api/token'), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal,
        }),
      { what, policy: this.#policy, sleep: this.#options.sleep ?? realSleep },
    );
    if (!response.ok) throw await tokenError(response, grant);
    return readJson(response, tokenResponseSchema, what);
  }

  #tokens(answer: { access_token: string; expires_in: number; scope: string }, refreshToken: string) {
    const now = (this.#options.now ?? Date.now)();
    return {
      accessToken: answer.access_token,
      refreshToken,
      expiresAt: now + answer.expires_in * 1_000,
      scope: answer.scope,
    } satisfies SpotifyTokens;
  }
}

/** invalid_grant means the code or refresh token is spent or wrong: the listener signs in again. */
async function tokenError(response: Response, grant: Grant): Promise<EchoError> {
  const body = await readErrorBody(response, tokenErrorSchema);
  const detail = body
    ? `error: ${body.error}${body.error_description ? `, error_description: "${body.error_description}"` : ''}`
    : `status ${response.status}`;
  if (body?.error === 'invalid_grant') {
    const message =
      grant === 'refresh_token'
        ? `Spotify sign-in expired; sign in again (${detail})`
        : `Spotify refused the sign-in code; start sign-in again (${detail})`;
    return new EchoError('unauthorized', message);
  }
  if (body?.error === 'invalid_client') {
    return new EchoError('provider_error', `Spotify does not know SPOTIFY_CLIENT_ID (${detail})`, {
      retryable: false,
    });
  }
  return new EchoError('provider_error', `Spotify refused the token request (${grant}): ${detail}`, {
    retryable: false,
  });
}
