import { describe, expect, it } from 'vitest';
import type { StoreAccessor } from '../store-contract.js';
import { hourMs, makeRecommendation, sleep } from '../store-fixtures.js';

export function describeSessionChangeCases(store: StoreAccessor): void {
  describeRename(store);
  describeDelete(store);
}

function describeRename(store: StoreAccessor): void {
  describe('renaming sessions', () => {
    it('sets the title and keeps updatedAt, so the list order stays', async () => {
      const older = await store().createSession({ userId: 'user-1', title: 'older' });
      await sleep(5);
      const newer = await store().createSession({ userId: 'user-1', title: 'newer' });
      await sleep(5);
      const renamed = await store().renameSession(older.id, 'Road trip');
      expect(renamed).toEqual({ ...older, title: 'Road trip' });
      expect(await store().getSession(older.id)).toEqual(renamed);
      const page = await store().listSessions('user-1', { limit: 10 });
      expect(page.items.map((session) => session.id)).toEqual([newer.id, older.id]);
      expect(await store().renameSession('missing', 'x')).toBeNull();
    });

    it('given an expected title, renames only while the title is still that one', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 'New chat' });
      const titled = await store().renameSession(session.id, 'Calm piano', { title: 'New chat' });
      expect(titled?.title).toBe('Calm piano');
      expect(await store().renameSession(session.id, 'Other', { title: 'New chat' })).toBeNull();
      expect((await store().getSession(session.id))?.title).toBe('Calm piano');
      expect(await store().renameSession('missing', 'x', { title: 'New chat' })).toBeNull();
    });
  });
}

function describeDelete(store: StoreAccessor): void {
  describe('deleting sessions', () => {
    /** A session with two messages, a recommendation, saved turn progress and a like. */
    const populated = async (title: string) => {
      const session = await store().createSession({ userId: 'user-1', title });
      for (const text of ['hi', 'hello']) {
        await store().appendMessage({ sessionId: session.id, role: 'user', text: `${title} ${text}` });
      }
      const recommendation = await store().saveRecommendation(
        makeRecommendation(session.id, [`${title}-t1`], new Date(Date.now() + hourMs)),
      );
      await store().saveTurnProgress({
        turnId: `${title}-turn`,
        sessionId: session.id,
        userId: 'user-1',
        replyTo: 'm',
        text: 'so far',
        recommendationIds: [recommendation.id],
      });
      const feedback = await store().addFeedback({
        userId: 'user-1',
        sessionId: session.id,
        recommendationId: recommendation.id,
        trackId: `${title}-t1`,
        signal: 'like',
      });
      return { session, recommendation, feedback };
    };

    it('removes the session, its messages, recommendations and turn progress, and keeps feedback', async () => {
      const gone = await populated('gone');
      expect(await store().deleteSession(gone.session.id)).toBe(true);
      const id = gone.session.id;
      expect(await store().getSession(id)).toBeNull();
      expect(await store().listMessages(id, { afterSeq: 0, limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(await store().recentMessages(id, 10)).toEqual([]);
      expect(await store().getRecommendation(gone.recommendation.id)).toBeNull();
      expect(await store().listRecommendedTrackIds(id)).toEqual([]);
      expect(await store().listTurnProgress(10)).toEqual([]);
      expect((await store().listSessions('user-1', { limit: 10 })).items).toEqual([]);
      // The listener's taste outlives the conversation.
      expect((await store().listFeedback({ userId: 'user-1' }, { limit: 10 })).items).toEqual([
        gone.feedback,
      ]);
    });

    it('leaves another session’s messages, recommendations and progress alone', async () => {
      const gone = await populated('gone');
      const kept = await populated('kept');
      await store().deleteSession(gone.session.id);
      const messages = await store().listMessages(kept.session.id, { afterSeq: 0, limit: 10 });
      expect(messages.items.map((message) => message.text)).toEqual(['kept hi', 'kept hello']);
      expect(await store().getSession(kept.session.id)).toMatchObject({ id: kept.session.id, lastSeq: 2 });
      expect(await store().getRecommendation(kept.recommendation.id)).toEqual(kept.recommendation);
      expect((await store().listTurnProgress(10)).map((progress) => progress.turnId)).toEqual(['kept-turn']);
      const listed = await store().listSessions('user-1', { limit: 10 });
      expect(listed.items.map((session) => session.id)).toEqual([kept.session.id]);
    });

    it('answers false for a session that is not there, and appending to a deleted one is not_found', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      expect(await store().deleteSession(session.id)).toBe(true);
      expect(await store().deleteSession(session.id)).toBe(false);
      expect(await store().deleteSession('missing')).toBe(false);
      await expect(
        store().appendMessage({ sessionId: session.id, role: 'user', text: 'late', clientMsgId: 'c' }),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(await store().renameSession(session.id, 'too late')).toBeNull();
    });
  });
}
