export { createSpotify, type SpotifyWiring } from './create-spotify.js';
export { resolveEncryptionKey } from './encryption-key-file.js';
export {
  decodeEncryptionKey,
  encryptionKeyId,
  encryptionKeySchema,
  previousEncryptionKeysSchema,
} from './encryption-keys.js';
export { type KnownPlay, samePlayMarginMs, withoutKnownPlays } from './known-plays.js';
export {
  MemoryPendingSignInStore,
  type PendingSignIn,
  type PendingSignInStore,
} from './pending-sign-in-store.js';
export { authorizeUrl, codeChallenge, createCodeVerifier, createState } from './pkce.js';
export { type ExportedPlaylist, exportPlaylist, type PlaylistExport } from './playlist-export.js';
export {
  type ListenerSync,
  RecentlyPlayedSync,
  type RecentlyPlayedSyncOptions,
} from './recently-played-sync.js';
export {
  defaultRefreshMarginMs,
  RefreshingTokenProvider,
  type RefreshingTokenProviderOptions,
} from './refreshing-token-provider.js';
export {
  defaultSignInTtlMs,
  defaultSpotifyScopes,
  SpotifySignIn,
  type SpotifySignInCallback,
  type SpotifySignInOptions,
  type SpotifySignInResult,
  type SpotifySignInStart,
} from './sign-in-flow.js';
export { SpotifyAccounts, type SpotifyAccountsOptions } from './spotify-accounts.js';
export { playlistItemsPerRequest, SpotifyApi, type SpotifyApiOptions } from './spotify-api.js';
export { defaultRetryPolicy, type FetchFunction, type RetryPolicy, type Sleep } from './spotify-http.js';
export type {
  CreatedPlaylist,
  RecentPlay,
  RecentPlays,
  SpotifyTrack,
  SpotifyUser,
} from './spotify-records.js';
export {
  type FinishedSignIn,
  type PlaylistRequest,
  type RecommendationPlaylist,
  SpotifyService,
  type SpotifyServiceOptions,
} from './spotify-service.js';
export {
  requireSpotifyCompanions,
  type SpotifySettings,
  spotifySettingsSchema,
  spotifySettingsShape,
} from './spotify-settings.js';
export type { SpotifyTokens, TokenProvider } from './spotify-tokens.js';
export { StoredLinks, type StoredLinksOptions } from './stored-links.js';
export { createTokenCipher, type TokenCipher, type TokenCipherKeys } from './token-cipher.js';
