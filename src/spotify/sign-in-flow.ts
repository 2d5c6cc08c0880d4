import { EchoError } from '../errors.js';
import type { PendingSignInStore } from './pending-sign-in-store.js';
import { authorizeUrl, codeChallenge, createCodeVerifier, createState } from './pkce.js';
import { SpotifyAccounts } from './spotify-accounts.js';
import { SpotifyApi } from './spotify-api.js';
import type { FetchFunction, RetryPolicy, Sleep } from './spotify-http.js';
import type { SpotifyTokens } from './spotify-tokens.js';

/** Enough to read recent plays and write playlists; /v1/me's id and display name need no scope. */
export const defaultSpotifyScopes = [
  'user-read-recently-played',
  'playlist-modify-private',
  'playlist-modify-public',
] as const;

/** Long enough to read Spotify's consent page; short enough that a leaked state soon goes stale. */
export const defaultSignInTtlMs = 10 * 60_000;

export interface SpotifySignInOptions {
  clientId: string;
  /** Must match one registered for the app on Spotify's dashboard, exactly. */
  redirectUri: string;
  accountsBaseUrl: string;
  apiBaseUrl: string;
  pending: PendingSignInStore;
  scopes?: readonly string[];
  ttlMs?: number;
  now?: () => number;
  fetch?: FetchFunction;
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
}

export interface SpotifySignInStart {
  /** Send the listener's browser here. */
  url: string;
  state: string;
  expiresAt: number;
}

export interface SpotifySignInResult {
  /** The listener who started the sign-in (from the pending record). */
  userId: string;
  spotifyUserId: string;
  displayName: string | null;
  tokens: SpotifyTokens;
}

/** The query of Spotify's redirect back, plus who is signed in to this service. */
export interface SpotifySignInCallback {
  /**
   * Who is signed in here, when the redirect carries it; then it must be who started the sign-in. Left out
   * (a plain browser redirect has no bearer token), the pending record says who, and the caller binds the
   * flow to the browser some other way (a cookie set when it started).
   */
  userId?: string;
  state: string;
  code?: string;
  /** Spotify's `error` (e.g. `access_denied` when the listener declined). */
  error?: string;
}

/** Sign-in with Spotify: the Authorization Code flow with PKCE, state and verifier kept server-side. */
export class SpotifySignIn {
  readonly #options: SpotifySignInOptions;
  readonly #accounts: SpotifyAccounts;

  constructor(options: SpotifySignInOptions) {
    this.#options = options;
    this.#accounts = new SpotifyAccounts({
      accountsBaseUrl: options.accountsBaseUrl,
      clientId: options.clientId,
      fetch: options.fetch,
      sleep: options.sleep,
      retry: options.retry,
      now: options.now,
    });
  }

  async start(userId: string): Promise<SpotifySignInStart> {
    const state = createState();
    const verifier = createCodeVerifier();
    const expiresAt = this.#now() + (this.#options.ttlMs ?? defaultSignInTtlMs);
    await this.#options.pending.save({ state, userId, verifier, expiresAt });
    const url = authorizeUrl({
      accountsBaseUrl: this.#options.accountsBaseUrl,
      clientId: this.#options.clientId,
      redirectUri: this.#options.redirectUri,
      scopes: this.#options.scopes ?? defaultSpotifyScopes,
      state,
      codeChallenge: codeChallenge(verifier),
    });
    return { url, state, expiresAt };
  }

  /**
   * Checks the redirect against the pending sign-in (which is used up whatever the outcome), trades the code
   * for tokens and reads who the listener is on Spotify.
   */
  async finish(callback: SpotifySignInCallback): Promise<SpotifySignInResult> {
    const pending = await this.#options.pending.take(callback.state);
    if (pending === null)
      throw new EchoError('invalid', 'Spotify sign-in state unknown or already used; sign in again');
    if (pending.expiresAt <= this.#now())
      throw new EchoError('invalid', 'Spotify sign-in expired; sign in again');
    if (callback.userId !== undefined && pending.userId !== callback.userId) {
      throw new EchoError('forbidden', 'This Spotify sign-in was started by another listener');
    }
    if (callback.error !== undefined) {
      throw new EchoError('forbidden', `Spotify sign-in was not granted (error: ${callback.error})`);
    }
    if (!callback.code) throw new EchoError('invalid', 'code: missing from Spotify sign-in redirect');
    const tokens = await this.#accounts.exchangeCode({
      code: callback.code,
      redirectUri: this.#options.redirectUri,
      codeVerifier: pending.verifier,
    });
    const user = await this.#profile(tokens.accessToken);
    return { userId: pending.userId, spotifyUserId: user.id, displayName: user.displayName, tokens };
  }

  /** The token is minutes old, so a 401 here is not worth a refresh: it fails as `unauthorized`. */
  #profile(accessToken: string) {
    const api = new SpotifyApi({
      apiBaseUrl: this.#options.apiBaseUrl,
      tokens: { accessToken: async () => accessToken, refresh: async () => accessToken },
      fetch: this.#options.fetch,
      sleep: this.#options.sleep,
      retry: this.#options.retry,
    });
    return api.me();
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
