import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../src/errors.js';
import { createTokenCipher, spotifySettingsSchema } from '../../src/spotify/index.js';

const hexKey = randomBytes(32).toString('hex');
const base64Key = randomBytes(32).toString('base64');

function problems(env: Record<string, string>): string {
  const result = spotifySettingsSchema.safeParse(env);
  if (result.success) throw new Error('expected the settings to be refused');
  return describeIssues(result.error.issues);
}

describe('spotify settings', () => {
  it('is off, with Spotify base URLs, when nothing is set', () => {
    const settings = spotifySettingsSchema.parse({});
    expect(settings.SPOTIFY_CLIENT_ID).toBeUndefined();
    expect(settings.SPOTIFY_ACCOUNTS_URL).toBe('https://accounts.spotify.com');
    expect(settings.SPOTIFY_API_URL).toBe('https://api.spotify.com');
    expect(settings.SPOTIFY_SYNC_INTERVAL_MINUTES).toBe(30);
    expect(settings.ENCRYPTION_KEY).toBeUndefined();
  });

  it('reads keys as hex or base64 into a working cipher ring', () => {
    const older = randomBytes(32);
    const settings = spotifySettingsSchema.parse({
      SPOTIFY_CLIENT_ID: 'client',
      SPOTIFY_REDIRECT_URI: 'https://echotune.example/api/v1/spotify/callback',
      ENCRYPTION_KEY: hexKey,
      ENCRYPTION_KEYS_PREVIOUS: `${base64Key}, ${older.toString('base64url')}`,
    });
    expect(settings.ENCRYPTION_KEY?.toString('hex')).toBe(hexKey);
    expect(settings.ENCRYPTION_KEYS_PREVIOUS?.map((key) => key.toString('base64'))).toEqual([
      base64Key,
      older.toString('base64'),
    ]);
    const fromOlder = createTokenCipher({ current: older }).encrypt('token');
    const ring = createTokenCipher({
      current: settings.ENCRYPTION_KEY ?? Buffer.alloc(0),
      previous: settings.ENCRYPTION_KEYS_PREVIOUS,
    });
    expect(ring.decrypt(fromOlder)).toBe('token');
  });

  it('refuses a key of the wrong length, naming ENCRYPTION_KEY', () => {
    expect(problems({ ENCRYPTION_KEY: randomBytes(16).toString('hex') })).toMatch(
      /^ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64/,
    );
    expect(problems({ ENCRYPTION_KEY: randomBytes(24).toString('base64') })).toContain(
      'ENCRYPTION_KEY: must be 32',
    );
    expect(problems({ ENCRYPTION_KEY: hexKey, ENCRYPTION_KEYS_PREVIOUS: `${base64Key},short` })).toContain(
      'ENCRYPTION_KEYS_PREVIOUS: key 2: must be 32 bytes',
    );
  });

  it('needs a redirect URI once SPOTIFY_CLIENT_ID is set, but no key (one is generated)', () => {
    const message = problems({ SPOTIFY_CLIENT_ID: 'client' });
    expect(message).toBe('SPOTIFY_REDIRECT_URI: required when SPOTIFY_CLIENT_ID is set');
    expect(problems({ SPOTIFY_REDIRECT_URI: 'not a url' })).toContain('SPOTIFY_REDIRECT_URI');
    const settings = spotifySettingsSchema.parse({
      SPOTIFY_CLIENT_ID: 'client',
      SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/api/v1/spotify/callback',
    });
    expect(settings.ENCRYPTION_KEY).toBeUndefined();
  });
});
