import type { Logger } from '../logger.js';
import type { Recommender } from '../recommend/index.js';
import type { Store } from '../store/index.js';
import { resolveEncryptionKey } from './encryption-key-file.js';
import type { PendingSignInStore } from './pending-sign-in-store.js';
import { RecentlyPlayedSync } from './recently-played-sync.js';
import { SpotifySignIn } from './sign-in-flow.js';
import { SpotifyAccounts } from './spotify-accounts.js';
import { SpotifyService } from './spotify-service.js';
import type { SpotifySettings } from './spotify-settings.js';
import { StoredLinks } from './stored-links.js';
import { createTokenCipher } from './token-cipher.js';

export interface SpotifyWiring {
  service: SpotifyService;
  sync: RecentlyPlayedSync;
  /** Where the sign-in redirects back to: its scheme decides whether the state cookie is Secure. */
  redirectUri: string;
}

/**
 * Spotify, wired to the store and the engine; null when SPOTIFY_CLIENT_ID is unset (Spotify is off).
 * Without ENCRYPTION_KEY a key is generated into DATA_DIR, which suits one instance only.
 */
export function createSpotify(options: {
  config: SpotifySettings & { DATA_DIR: string; MONGODB_URI?: string | undefined };
  store: Store;
  recommender: Pick<Recommender, 'matchPlay' | 'forgetListener'>;
  logger?: Logger | undefined;
}): SpotifyWiring | null {
  const { config, store, recommender, logger } = options;
  const clientId = config.SPOTIFY_CLIENT_ID;
  const redirectUri = config.SPOTIFY_REDIRECT_URI;
  if (clientId === undefined || redirectUri === undefined) return null;
  if (config.ENCRYPTION_KEY === undefined && config.MONGODB_URI !== undefined) {
    logger?.warn(
      'ENCRYPTION_KEY is unset: Spotify tokens use a key generated in DATA_DIR, which other instances sharing this store cannot read; set the same ENCRYPTION_KEY on every instance',
    );
  }
  const cipher = createTokenCipher({
    current: resolveEncryptionKey(config.ENCRYPTION_KEY, config.DATA_DIR),
    previous: config.ENCRYPTION_KEYS_PREVIOUS,
  });
  const pending: PendingSignInStore = {
    save: (record) => store.savePendingSignIn(record),
    take: (state) => store.takePendingSignIn(state),
  };
  const signIn = new SpotifySignIn({
    clientId,
    redirectUri,
    accountsBaseUrl: config.SPOTIFY_ACCOUNTS_URL,
    apiBaseUrl: config.SPOTIFY_API_URL,
    pending,
  });
  const accounts = new SpotifyAccounts({ accountsBaseUrl: config.SPOTIFY_ACCOUNTS_URL, clientId });
  const links = new StoredLinks({ store, cipher, accounts, apiBaseUrl: config.SPOTIFY_API_URL, logger });
  const sync = new RecentlyPlayedSync({
    store,
    links,
    recommender,
    intervalMs: config.SPOTIFY_SYNC_INTERVAL_MINUTES * 60_000,
    logger,
  });
  const service = new SpotifyService({ store, signIn, links, sync, recommender, logger });
  return { service, sync, redirectUri };
}
