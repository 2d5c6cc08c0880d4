import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTokenCipher,
  RecentlyPlayedSync,
  SpotifyAccounts,
  StoredLinks,
} from '../../src/spotify/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';

const minute = 60_000;
const intervalMs = 30 * minute;

describe('recently-played sync passes', () => {
  let fake: FakeSpotify;
  let store: Store;
  let links: StoredLinks;
  let now = Date.now();
  const forgotten: string[] = [];

  const newSync = () =>
    new RecentlyPlayedSync({
      store,
      links,
      recommender: { matchPlay: () => null, forgetListener: (userId) => forgotten.push(userId) },
      intervalMs,
      now: () => now,
    });

  async function linkListener(userId: string, spotifyUserId: string) {
    const issued = fake.issueTokens();
    await links.link(userId, {
      userId,
      spotifyUserId,
      displayName: null,
      tokens: { ...issued, expiresAt: Date.now() + 3_600_000 },
    });
  }
  const recentlyPlayedCalls = () =>
    fake.requests.filter((request) => request.path.endsWith('/recently-played'));

  beforeEach(async () => {
    fake = await startFakeSpotify();
    store = await createSqliteStore({ path: ':memory:' });
    const cipher = createTokenCipher({ current: randomBytes(32) });
    const accounts = new SpotifyAccounts({ accountsBaseUrl: fake.baseUrl, clientId: fake.clientId });
    links = new StoredLinks({ store, cipher, accounts, apiBaseUrl: fake.baseUrl });
    now = Date.now();
    forgotten.length = 0;
    fake.plays = [0, 4, 8].map((offset, index) => ({
      track: fakeTrack(`Track ${index}`, 'Artist'),
      playedAt: new Date(now - 60 * minute + offset * minute).toISOString(),
    }));
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  it('two instances passing at once sync each listener once, and nobody again before the interval', async () => {
    await linkListener('u1', 'sp1');
    await linkListener('u2', 'sp2');
    const [first, second] = [newSync(), newSync()];
    const passes = await Promise.all([first.runPass(), second.runPass()]);
    const synced = passes.flat().map((result) => result.userId);
    expect(synced.sort()).toEqual(['u1', 'u2']);
    expect(recentlyPlayedCalls()).toHaveLength(2);
    for (const userId of ['u1', 'u2']) {
      expect((await store.listListeningHistory({ userId }, { limit: 10 })).items).toHaveLength(3);
    }
    expect(forgotten.sort()).toEqual(['u1', 'u2']);

    now += 10 * minute;
    expect(await first.runPass()).toEqual([]);
    now += intervalMs;
    fake.plays.push({ track: fakeTrack('Track 3', 'Artist'), playedAt: new Date(Date.now()).toISOString() });
    const later = await second.runPass();
    expect(later.map(({ userId, added }) => ({ userId, added }))).toEqual([
      { userId: 'u1', added: 1 },
      { userId: 'u2', added: 1 },
    ]);
    // From the cursor, so only the new play was asked for.
    expect(recentlyPlayedCalls().at(-1)?.query.after).toBeDefined();
  });

  it('one listener’s failure is logged and the pass goes on; a rate limit ends the pass', async () => {
    await linkListener('u1', 'sp1');
    await linkListener('u2', 'sp2');
    // u1's stored token is damaged: it no longer decrypts.
    const damaged = await store.getSpotifyAccount('u1');
    await store.updateSpotifyTokens('sp1', { ...damaged!, accessToken: `${damaged!.accessToken}x` });
    const warnings: unknown[] = [];
    const sync = new RecentlyPlayedSync({
      store,
      links,
      recommender: { matchPlay: () => null, forgetListener: () => undefined },
      intervalMs,
      now: () => now,
      logger: { warn: (...args: unknown[]) => warnings.push(args), info: () => undefined } as never,
    });
    expect((await sync.runPass()).map((result) => result.userId)).toEqual(['u2']);
    expect(warnings).toHaveLength(1);

    await linkListener('u1', 'sp1');
    now += intervalMs;
    const calls = recentlyPlayedCalls().length;
    fake.rateLimitNext(1, 120, '/v1/me/player');
    expect(await sync.runPass()).toEqual([]);
    // u1 was refused for a while; u2, next in line, was left for the next pass.
    expect(recentlyPlayedCalls()).toHaveLength(calls + 1);
    expect(warnings).toHaveLength(2);
  });

  it('stops cleanly: no pass is scheduled after stop', async () => {
    await linkListener('u1', 'sp1');
    const sync = newSync();
    sync.start();
    await sync.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recentlyPlayedCalls()).toHaveLength(0);
  });
});
