import { isEchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SpotifyAccount, SpotifyAccountStore, SpotifyTokenFields } from '../store/index.js';
import { RefreshingTokenProvider } from './refreshing-token-provider.js';
import type { SpotifySignInResult } from './sign-in-flow.js';
import type { SpotifyAccounts } from './spotify-accounts.js';
import { SpotifyApi } from './spotify-api.js';
import type { FetchFunction, RetryPolicy, Sleep } from './spotify-http.js';
import type { SpotifyTokens } from './spotify-tokens.js';
import type { TokenCipher } from './token-cipher.js';

export interface StoredLinksOptions {
  store: Pick<
    SpotifyAccountStore,
    'linkSpotifyAccount' | 'getSpotifyAccount' | 'updateSpotifyTokens' | 'unlinkSpotifyAccount'
  >;
  cipher: TokenCipher;
  accounts: Pick<SpotifyAccounts, 'refresh'>;
  apiBaseUrl: string;
  fetch?: FetchFunction;
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
  logger?: Logger | undefined;
}

/**
 * Listeners' Spotify links as the store keeps them: tokens encrypted on the way in, decrypted on the way
 * out, stored again when Spotify refreshes them or when they were written under an older key.
 *
 * The cipher's context (authenticated, not stored) is the Spotify account id, not the listener's id: a
 * value copied onto another link still does not decrypt, yet merging a guest into the account's listener
 * (which changes the link's userId) needs no re-encryption.
 */
export class StoredLinks {
  readonly #options: StoredLinksOptions;

  constructor(options: StoredLinksOptions) {
    this.#options = options;
  }

  /** Stores a finished sign-in for `userId`; returns the account's link, which may be another listener's. */
  link(userId: string, signIn: SpotifySignInResult): Promise<SpotifyAccount> {
    return this.#options.store.linkSpotifyAccount({
      userId,
      spotifyUserId: signIn.spotifyUserId,
      displayName: signIn.displayName,
      ...this.#sealed(signIn.spotifyUserId, signIn.tokens),
    });
  }

  get(userId: string): Promise<SpotifyAccount | null> {
    return this.#options.store.getSpotifyAccount(userId);
  }

  /** Deletes the link and its tokens; false when there was none. */
  unlink(userId: string): Promise<boolean> {
    return this.#options.store.unlinkSpotifyAccount(userId);
  }

  /**
   * The link's tokens in the clear. Values under a previous key are re-encrypted under the current one and
   * stored, so a key rotation completes as listeners are used (and the sync uses each of them).
   */
  async tokens(account: SpotifyAccount): Promise<SpotifyTokens> {
    const { cipher } = this.#options;
    const context = account.spotifyUserId;
    const tokens: SpotifyTokens = {
      accessToken: cipher.decrypt(account.accessToken, context),
      refreshToken: cipher.decrypt(account.refreshToken, context),
      expiresAt: account.expiresAt,
      scope: account.scope,
    };
    if (cipher.needsReencryption(account.accessToken) || cipher.needsReencryption(account.refreshToken)) {
      await this.#save(account.spotifyUserId, tokens);
      this.#options.logger?.info(
        { userId: account.userId },
        'spotify tokens re-encrypted under the current key',
      );
    }
    return tokens;
  }

  /** A Web API client for the listener; refreshed tokens are stored (re-encrypted) before they are used. */
  async api(account: SpotifyAccount): Promise<SpotifyApi> {
    const tokens = new RefreshingTokenProvider({
      tokens: await this.tokens(account),
      accounts: { refresh: (refreshToken) => this.#refresh(account.userId, refreshToken) },
      onRefreshed: (fresh) => this.#save(account.spotifyUserId, fresh),
    });
    const { apiBaseUrl, fetch, sleep, retry } = this.#options;
    return new SpotifyApi({ apiBaseUrl, tokens, fetch, sleep, retry });
  }

  /**
   * Spotify may rotate the refresh token, retiring the old one. When another request (here or on another
   * instance) refreshed first, ours is refused, but the store already holds the tokens it got: use those.
   */
  async #refresh(userId: string, refreshToken: string): Promise<SpotifyTokens> {
    try {
      return await this.#options.accounts.refresh(refreshToken);
    } catch (error) {
      if (!(isEchoError(error) && error.code === 'unauthorized')) throw error;
      const stored = await this.get(userId);
      const tokens = stored === null ? null : await this.tokens(stored);
      if (tokens === null || tokens.refreshToken === refreshToken) throw error;
      return tokens;
    }
  }

  async #save(spotifyUserId: string, tokens: SpotifyTokens): Promise<void> {
    await this.#options.store.updateSpotifyTokens(spotifyUserId, this.#sealed(spotifyUserId, tokens));
  }

  #sealed(spotifyUserId: string, tokens: SpotifyTokens): SpotifyTokenFields {
    const { cipher } = this.#options;
    return {
      accessToken: cipher.encrypt(tokens.accessToken, spotifyUserId),
      refreshToken: cipher.encrypt(tokens.refreshToken, spotifyUserId),
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
    };
  }
}
