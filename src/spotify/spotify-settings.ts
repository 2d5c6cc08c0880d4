import { z } from 'zod';
import { encryptionKeySchema, previousEncryptionKeysSchema } from './encryption-keys.js';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/**
 * The Spotify settings, merged into src/config's schema (`...spotifySettingsShape` and
 * `.superRefine(requireSpotifyCompanions)`). All optional: without SPOTIFY_CLIENT_ID, Spotify is off.
 */
export const spotifySettingsShape = {
  SPOTIFY_CLIENT_ID: optionalString,
  /** Exactly as registered on Spotify's dashboard (e.g. https://echotune.example/api/v1/spotify/callback). */
  SPOTIFY_REDIRECT_URI: optionalString.pipe(z.url().optional()),
  SPOTIFY_ACCOUNTS_URL: z.url().default('https://accounts.spotify.com'),
  SPOTIFY_API_URL: z.url().default('https://api.spotify.com'),
  // Recently played keeps only a listener's last 50 tracks (about three hours): sync well within that.
  SPOTIFY_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(120).default(30),
  /** 32 bytes, hex or base64: the key tokens are encrypted under. Unset: one generated into DATA_DIR. */
  ENCRYPTION_KEY: optionalString.pipe(encryptionKeySchema.optional()),
  /** Comma-separated older keys, still read after a rotation. */
  ENCRYPTION_KEYS_PREVIOUS: optionalString.pipe(previousEncryptionKeysSchema.optional()),
};

interface SpotifyValues {
  SPOTIFY_CLIENT_ID?: string | undefined;
  SPOTIFY_REDIRECT_URI?: string | undefined;
}

/**
 * With SPOTIFY_CLIENT_ID set, sign-in needs its redirect. ENCRYPTION_KEY may stay unset: a key is then
 * generated once and kept in DATA_DIR (resolveEncryptionKey), so a fresh machine works.
 */
export function requireSpotifyCompanions(values: SpotifyValues, context: z.RefinementCtx): void {
  if (values.SPOTIFY_CLIENT_ID === undefined) return;
  if (values.SPOTIFY_REDIRECT_URI === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['SPOTIFY_REDIRECT_URI'],
      message: 'required when SPOTIFY_CLIENT_ID is set',
    });
  }
}

export const spotifySettingsSchema = z.object(spotifySettingsShape).superRefine(requireSpotifyCompanions);
export type SpotifySettings = z.infer<typeof spotifySettingsSchema>;
