import { describe, expect, it } from 'vitest';
import type { NewSpotifyAccount } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';
import { collectPages, sleep } from '../store-fixtures.js';

/** Tokens as the cipher would hand them over: the store treats them as opaque text. */
function link(userId: string, spotifyUserId: string, suffix = '1'): NewSpotifyAccount {
  return {
    userId,
    spotifyUserId,
    displayName: `Name ${spotifyUserId}`,
    accessToken: `v1.keyid.access-${suffix}`,
    refreshToken: `v1.keyid.refresh-${suffix}`,
    expiresAt: 1_800_000_000_000,
    scope: 'user-read-recently-played',
  };
}

export function describeSpotifyAccountCases(store: StoreAccessor): void {
  describeLinks(store);
  describeSyncBookkeeping(store);
  describePendingSignIns(store);
}

function describeLinks(store: StoreAccessor): void {
  describe('spotify links', () => {
    it('links a listener and reads the link back by listener and by Spotify account', async () => {
      const linked = await store().linkSpotifyAccount(link('u1', 'sp1'));
      expect(linked).toEqual({
        ...link('u1', 'sp1'),
        lastSyncAfter: null,
        lastSyncAt: null,
        createdAt: expect.any(String),
        updatedAt: linked.createdAt,
      });
      expect(await store().getSpotifyAccount('u1')).toEqual(linked);
      expect(await store().findBySpotifyUser('sp1')).toEqual(linked);
      expect(await store().getSpotifyAccount('u2')).toBeNull();
      expect(await store().findBySpotifyUser('sp2')).toBeNull();
    });

    it('keeps a null display name as null', async () => {
      await store().linkSpotifyAccount({ ...link('u1', 'sp1'), displayName: null });
      expect((await store().getSpotifyAccount('u1'))?.displayName).toBeNull();
    });

    it('signing in again to the same account replaces tokens and name and keeps the sync cursor', async () => {
      const first = await store().linkSpotifyAccount(link('u1', 'sp1'));
      await store().saveSpotifySyncCursor('sp1', 1_700_000_000_000);
      await sleep(5);
      const again = await store().linkSpotifyAccount({ ...link('u1', 'sp1', '2'), displayName: 'Renamed' });
      expect(again).toMatchObject({
        accessToken: 'v1.keyid.access-2',
        refreshToken: 'v1.keyid.refresh-2',
        displayName: 'Renamed',
        lastSyncAfter: 1_700_000_000_000,
        createdAt: first.createdAt,
      });
      expect(again.updatedAt > first.updatedAt).toBe(true);
    });

    it('an account already linked to another listener is returned as theirs, unchanged', async () => {
      const theirs = await store().linkSpotifyAccount(link('u1', 'sp1'));
      const answer = await store().linkSpotifyAccount(link('u2', 'sp1', '2'));
      expect(answer).toEqual(theirs);
      expect(await store().getSpotifyAccount('u2')).toBeNull();
      expect(await store().findBySpotifyUser('sp1')).toEqual(theirs);
    });

    it('two listeners linking one account at once: one link, both told whose it is', async () => {
      const answers = await Promise.all(
        ['u1', 'u2', 'u3'].map((userId) => store().linkSpotifyAccount(link(userId, 'sp1'))),
      );
      const owner = answers[0]?.userId;
      expect(answers.map((answer) => answer.userId)).toEqual([owner, owner, owner]);
      expect((await store().listLinkedForSync(10)).items).toHaveLength(1);
    });

    it('linking another account replaces the listener’s old link and starts its cursor afresh', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      await store().saveSpotifySyncCursor('sp1', 1_700_000_000_000);
      const second = await store().linkSpotifyAccount(link('u1', 'sp2'));
      expect(second).toMatchObject({ userId: 'u1', spotifyUserId: 'sp2', lastSyncAfter: null });
      expect(await store().findBySpotifyUser('sp1')).toBeNull();
      expect(await store().getSpotifyAccount('u1')).toEqual(second);
    });

    it('updates tokens by Spotify account, and answers null for an account no longer linked', async () => {
      const linked = await store().linkSpotifyAccount(link('u1', 'sp1'));
      await sleep(5);
      const tokens = {
        accessToken: 'v1.keyid.access-new',
        refreshToken: 'v1.keyid.refresh-new',
        expiresAt: 1_900_000_000_000,
        scope: 'playlist-modify-private',
      };
      const updated = await store().updateSpotifyTokens('sp1', tokens);
      expect(updated).toEqual({ ...linked, ...tokens, updatedAt: expect.any(String) });
      expect(updated!.updatedAt > linked.updatedAt).toBe(true);
      expect(await store().getSpotifyAccount('u1')).toEqual(updated);
      expect(await store().updateSpotifyTokens('sp-missing', tokens)).toBeNull();
    });

    it('unlinks once: the tokens are gone, a second unlink says false', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      expect(await store().unlinkSpotifyAccount('u1')).toBe(true);
      expect(await store().getSpotifyAccount('u1')).toBeNull();
      expect(await store().findBySpotifyUser('sp1')).toBeNull();
      expect(await store().unlinkSpotifyAccount('u1')).toBe(false);
    });

    it('lists every link in Spotify-account order, page by page', async () => {
      for (const [userId, spotifyUserId] of [
        ['u3', 'sp-c'],
        ['u1', 'sp-a'],
        ['u5', 'sp-e'],
        ['u2', 'sp-b'],
        ['u4', 'sp-d'],
      ] as const) {
        await store().linkSpotifyAccount(link(userId, spotifyUserId));
      }
      const seen = await collectPages((cursor) => store().listLinkedForSync(2, cursor));
      expect(seen.sizes).toEqual([2, 2, 1]);
      expect(seen.items.map((account) => account.spotifyUserId)).toEqual([
        'sp-a',
        'sp-b',
        'sp-c',
        'sp-d',
        'sp-e',
      ]);
    });
  });
}

function describeSyncBookkeeping(store: StoreAccessor): void {
  describe('spotify sync bookkeeping', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

    it('claims a sync only while lastSyncAt is what the claimer read', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      expect(await store().claimSpotifySync('sp1', { expected: null, at: at(0) })).toBe(true);
      expect((await store().getSpotifyAccount('u1'))?.lastSyncAt).toBe(at(0));
      expect(await store().claimSpotifySync('sp1', { expected: null, at: at(1) })).toBe(false);
      expect(await store().claimSpotifySync('sp1', { expected: at(0), at: at(30) })).toBe(true);
      expect(await store().claimSpotifySync('sp1', { expected: at(0), at: at(31) })).toBe(false);
      expect((await store().getSpotifyAccount('u1'))?.lastSyncAt).toBe(at(30));
      expect(await store().claimSpotifySync('sp-missing', { expected: null, at: at(0) })).toBe(false);
    });

    it('of several instances claiming the same sync at once, exactly one wins', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          store().claimSpotifySync('sp1', { expected: null, at: at(index) }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('a link made again after unlinking can be claimed from scratch', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      expect(await store().claimSpotifySync('sp1', { expected: null, at: at(0) })).toBe(true);
      await store().unlinkSpotifyAccount('u1');
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      expect((await store().getSpotifyAccount('u1'))?.lastSyncAt).toBeNull();
      expect(await store().claimSpotifySync('sp1', { expected: null, at: at(5) })).toBe(true);
    });

    it('keeps the recently-played cursor, null included', async () => {
      await store().linkSpotifyAccount(link('u1', 'sp1'));
      await store().saveSpotifySyncCursor('sp1', 1_767_268_800_000);
      expect((await store().getSpotifyAccount('u1'))?.lastSyncAfter).toBe(1_767_268_800_000);
      await store().saveSpotifySyncCursor('sp1', null);
      expect((await store().getSpotifyAccount('u1'))?.lastSyncAfter).toBeNull();
    });
  });
}

function describePendingSignIns(store: StoreAccessor): void {
  describe('pending spotify sign-ins', () => {
    const pending = (state: string, expiresAt = Date.now() + 600_000) => ({
      state,
      userId: 'u1',
      verifier: `verifier-${state}`,
      expiresAt,
    });

    it('hands a saved sign-in to the first take only', async () => {
      const saved = pending('state-1');
      await store().savePendingSignIn(saved);
      expect(await store().takePendingSignIn('state-1')).toEqual({
        userId: 'u1',
        verifier: 'verifier-state-1',
        expiresAt: saved.expiresAt,
      });
      expect(await store().takePendingSignIn('state-1')).toBeNull();
      expect(await store().takePendingSignIn('state-unknown')).toBeNull();
    });

    it('of racing takes of one state, exactly one gets the record', async () => {
      await store().savePendingSignIn(pending('state-race'));
      const takes = await Promise.all(
        Array.from({ length: 6 }, () => store().takePendingSignIn('state-race')),
      );
      expect(takes.filter((take) => take !== null)).toHaveLength(1);
    });

    it('returns an expired record to the taker (who refuses it), and a later save sweeps expired ones', async () => {
      await store().savePendingSignIn(pending('stale-1', Date.now() - 1_000));
      expect(await store().takePendingSignIn('stale-1')).toMatchObject({ userId: 'u1' });
      await store().savePendingSignIn(pending('stale-2', Date.now() - 1_000));
      await store().savePendingSignIn(pending('fresh'));
      expect(await store().takePendingSignIn('stale-2')).toBeNull();
      expect(await store().takePendingSignIn('fresh')).not.toBeNull();
    });
  });
}
