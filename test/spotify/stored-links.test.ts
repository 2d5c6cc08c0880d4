import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenCipher, SpotifyAccounts, StoredLinks } from '../../src/spotify/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { type FakeSpotify, startFakeSpotify } from '../support/fake-spotify.js';

describe('stored Spotify links', () => {
  let fake: FakeSpotify;
  let store: Store;
  const cipher = createTokenCipher({ current: randomBytes(32) });
  let links: StoredLinks;

  beforeEach(async () => {
    fake = await startFakeSpotify();
    store = await createSqliteStore({ path: ':memory:' });
    const accounts = new SpotifyAccounts({ accountsBaseUrl: fake.baseUrl, clientId: fake.clientId });
    links = new StoredLinks({ store, cipher, accounts, apiBaseUrl: fake.baseUrl });
    const issued = fake.issueTokens();
    await links.link('u1', {
      userId: 'u1',
      spotifyUserId: 'sp1',
      displayName: null,
      tokens: { ...issued, expiresAt: Date.now() + 3_600_000 },
    });
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  it('encrypts under the Spotify account, so a value moved onto another link does not decrypt', async () => {
    const account = (await store.getSpotifyAccount('u1'))!;
    expect(cipher.decrypt(account.accessToken, 'sp1')).toMatch(/^access-/);
    expect(() => cipher.decrypt(account.accessToken, 'u1')).toThrow(/cannot be decrypted/);
    await links.link('u2', {
      userId: 'u2',
      spotifyUserId: 'sp2',
      displayName: null,
      tokens: { ...fake.issueTokens(), expiresAt: Date.now() + 3_600_000 },
    });
    await store.updateSpotifyTokens('sp2', account);
    await expect(links.tokens((await store.getSpotifyAccount('u2'))!)).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('a refresh that lost the race to another (the refresh token was rotated) uses the tokens the winner stored', async () => {
    const account = (await store.getSpotifyAccount('u1'))!;
    const [first, second] = [await links.api(account), await links.api(account)];
    fake.expireAccessTokens();
    await first.me();
    const winner = await links.tokens((await store.getSpotifyAccount('u1'))!);
    // `second` still holds the retired refresh token: Spotify refuses it with invalid_grant.
    expect(await second.me()).toMatchObject({ id: fake.user.id });
    const stored = await links.tokens((await store.getSpotifyAccount('u1'))!);
    expect(stored.refreshToken).toBe(winner.refreshToken);
  });
});
