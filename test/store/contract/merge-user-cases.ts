import { describe, expect, it } from 'vitest';
import type { NewSpotifyAccount } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';
import { makePlay, makeRecommendation } from '../store-fixtures.js';

function link(userId: string, spotifyUserId: string): NewSpotifyAccount {
  return {
    userId,
    spotifyUserId,
    displayName: null,
    accessToken: 'v1.k.a',
    refreshToken: 'v1.k.r',
    expiresAt: 1_800_000_000_000,
    scope: '',
  };
}

const usage = (userId: string, costUsd: number) => ({
  userId,
  sessionId: 's',
  turnId: 't',
  deploymentId: 'offline',
  provider: 'offline',
  model: 'offline-1',
  inputTokens: 1,
  outputTokens: 1,
  costUsd,
});

export function describeMergeUserCases(store: StoreAccessor): void {
  describe('merging listeners', () => {
    it('moves the guest’s sessions, messages, recommendations, feedback, plays, usage and jobs', async () => {
      await store().createUser({ id: 'guest', kind: 'guest' });
      await store().createUser({ id: 'member', kind: 'spotify' });
      const guestSession = await store().createSession({ userId: 'guest', title: 'from the phone' });
      const memberSession = await store().createSession({ userId: 'member', title: 'from the laptop' });
      await store().appendMessage({ sessionId: guestSession.id, role: 'user', text: 'calm piano' });
      const recommendation = await store().saveRecommendation(
        makeRecommendation(guestSession.id, ['t1'], new Date(Date.now() + 86_400_000), { userId: 'guest' }),
      );
      await store().addFeedback({
        userId: 'guest',
        sessionId: guestSession.id,
        recommendationId: recommendation.id,
        trackId: 't1',
        signal: 'like',
      });
      await store().addListeningHistory([
        makePlay('guest', '2026-01-01T10:00:00.000Z', 'Shared'),
        makePlay('guest', '2026-01-01T11:00:00.000Z', 'Only the guest'),
        makePlay('member', '2026-01-01T10:00:00.000Z', 'Shared'),
      ]);
      await store().recordUsage(usage('guest', 0.25));
      await store().recordUsage(usage('member', 0.5));
      const job = await store().createImportJob({ userId: 'guest', kind: 'history', source: 'export.zip' });

      const report = await store().mergeUsers('guest', 'member');
      expect(report).toEqual({
        sessions: 1,
        feedback: 1,
        plays: 1,
        duplicatePlays: 1,
        usage: 1,
        importJobs: 1,
      });

      const sessions = await store().listSessions('member', { limit: 10 });
      expect(sessions.items.map((session) => session.id).sort()).toEqual(
        [guestSession.id, memberSession.id].sort(),
      );
      expect(await store().listSessions('guest', { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect((await store().getSession(guestSession.id))?.userId).toBe('member');
      expect((await store().listMessages(guestSession.id, { afterSeq: 0, limit: 10 })).items).toHaveLength(1);
      expect((await store().getRecommendation(recommendation.id))?.userId).toBe('member');
      expect((await store().listFeedback({ userId: 'member' }, { limit: 10 })).items).toMatchObject([
        { trackId: 't1', signal: 'like' },
      ]);
      expect((await store().listFeedback({ userId: 'guest' }, { limit: 10 })).items).toEqual([]);
      const plays = await store().listListeningHistory({ userId: 'member' }, { limit: 10 });
      expect(plays.items.map((play) => play.trackName)).toEqual(['Only the guest', 'Shared']);
      expect((await store().listListeningHistory({ userId: 'guest' }, { limit: 10 })).items).toEqual([]);
      expect(await store().sumUsageCost('member', new Date(0))).toBeCloseTo(0.75);
      expect((await store().getImportJob(job.id))?.userId).toBe('member');
    });

    it('is harmless to repeat, and merging a listener into itself changes nothing', async () => {
      const session = await store().createSession({ userId: 'guest', title: 'kept' });
      expect((await store().mergeUsers('guest', 'guest')).sessions).toBe(0);
      expect((await store().getSession(session.id))?.userId).toBe('guest');
      await store().mergeUsers('guest', 'member');
      const again = await store().mergeUsers('guest', 'member');
      expect(again).toEqual({
        sessions: 0,
        feedback: 0,
        plays: 0,
        duplicatePlays: 0,
        usage: 0,
        importJobs: 0,
      });
      expect((await store().getSession(session.id))?.userId).toBe('member');
    });

    it('moves the guest’s Spotify link when the other listener has none, else drops it', async () => {
      await store().linkSpotifyAccount(link('guest-1', 'sp-guest-1'));
      await store().mergeUsers('guest-1', 'member');
      expect((await store().getSpotifyAccount('member'))?.spotifyUserId).toBe('sp-guest-1');
      expect(await store().getSpotifyAccount('guest-1')).toBeNull();

      await store().linkSpotifyAccount(link('guest-2', 'sp-guest-2'));
      await store().mergeUsers('guest-2', 'member');
      expect((await store().getSpotifyAccount('member'))?.spotifyUserId).toBe('sp-guest-1');
      expect(await store().findBySpotifyUser('sp-guest-2')).toBeNull();
    });
  });
}
