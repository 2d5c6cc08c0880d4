import type { SpotifyTokens, TokenProvider } from './spotify-tokens.js';

export interface RefreshingTokenProviderOptions {
  tokens: SpotifyTokens;
  accounts: { refresh(refreshToken: string): Promise<SpotifyTokens> };
  /** Persist the new tokens (re-encrypted); awaited, and its failure is the caller's, so a rotated refresh token is never silently lost. */
  onRefreshed?: (tokens: SpotifyTokens) => Promise<void> | void;
  /** Refresh when less than this is left, so a token does not expire between being read and used. */
  refreshMarginMs?: number;
  now?: () => number;
}

/** Sixty seconds covers a slow request and clock skew; Spotify's tokens live an hour. */
export const defaultRefreshMarginMs = 60_000;

/**
 * One listener's tokens: refreshed shortly before they expire or when Spotify refuses one, with at most one
 * refresh in flight. That matters with PKCE: Spotify may rotate the refresh token, and two concurrent
 * refreshes with the same one could leave the second holding a token Spotify has already retired.
 */
export class RefreshingTokenProvider implements TokenProvider {
  #tokens: SpotifyTokens;
  #inFlight: Promise<SpotifyTokens> | null = null;
  readonly #options: RefreshingTokenProviderOptions;

  constructor(options: RefreshingTokenProviderOptions) {
    this.#options = options;
    this.#tokens = options.tokens;
  }

  /** The tokens as they are now (after any refresh). */
  get tokens(): SpotifyTokens {
    return this.#tokens;
  }

  async accessToken(): Promise<string> {
    const now = (this.#options.now ?? Date.now)();
    const margin = this.#options.refreshMarginMs ?? defaultRefreshMarginMs;
    if (this.#tokens.expiresAt - now > margin) return this.#tokens.accessToken;
    return (await this.#refreshOnce()).accessToken;
  }

  async refresh(rejected: string): Promise<string> {
    // Another call already replaced the refused token: use that rather than refresh again.
    if (rejected !== this.#tokens.accessToken) return this.#tokens.accessToken;
    return (await this.#refreshOnce()).accessToken;
  }

  #refreshOnce(): Promise<SpotifyTokens> {
    this.#inFlight ??= this.#refresh().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #refresh(): Promise<SpotifyTokens> {
    const tokens = await this.#options.accounts.refresh(this.#tokens.refreshToken);
    this.#tokens = tokens;
    await this.#options.onRefreshed?.(tokens);
    return tokens;
  }
}
