import { describe, expect, it } from 'vitest';
import { EchoError } from '../../../src/errors.js';
import type { Session } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';
import { assistantMeta, collectPages, hourMs, makeRecommendation, sleep } from '../store-fixtures.js';

export function describeConversationCases(store: StoreAccessor): void {
  describeSessions(store);
  describeMessages(store);
  describeMessageConcurrency(store);
  describeRecommendations(store);
}

function describeSessions(store: StoreAccessor): void {
  describe('sessions', () => {
    it('creates a session with lastSeq 0 and reads it back', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 'Late night' });
      expect(session).toMatchObject({ userId: 'user-1', title: 'Late night', lastSeq: 0 });
      expect(session.updatedAt).toBe(session.createdAt);
      expect(await store().getSession(session.id)).toEqual(session);
      expect(await store().getSession('missing')).toBeNull();
    });

    it('lists only the user’s sessions, most recently updated first', async () => {
      const older = await store().createSession({ userId: 'user-1', title: 'older' });
      await sleep(5);
      const newer = await store().createSession({ userId: 'user-1', title: 'newer' });
      await store().createSession({ userId: 'user-2', title: 'someone else' });
      let page = await store().listSessions('user-1', { limit: 10 });
      expect(page.items.map((session) => session.title)).toEqual(['newer', 'older']);
      await sleep(5);
      await store().appendMessage({ sessionId: older.id, role: 'user', text: 'back again' });
      page = await store().listSessions('user-1', { limit: 10 });
      expect(page.items.map((session) => session.id)).toEqual([older.id, newer.id]);
      expect(page.nextCursor).toBeNull();
    });

    it('pages through sessions by cursor: empty, exact page size, and a last page with a null cursor', async () => {
      expect(await store().listSessions('user-1', { limit: 2 })).toEqual({ items: [], nextCursor: null });
      const created: Session[] = [];
      for (const title of ['a', 'b']) created.push(await store().createSession({ userId: 'user-1', title }));
      const exact = await store().listSessions('user-1', { limit: 2 });
      expect(exact.items).toHaveLength(2);
      expect(exact.nextCursor).toBeNull();
      for (const title of ['c', 'd', 'e'])
        created.push(await store().createSession({ userId: 'user-1', title }));
      const seen = await collectPages((cursor) => store().listSessions('user-1', { cursor, limit: 2 }));
      expect(seen.sizes).toEqual([2, 2, 1]);
      expect(seen.items.map((session) => session.id).sort()).toEqual(
        created.map((session) => session.id).sort(),
      );
    });

    it('rejects a malformed cursor as invalid', async () => {
      await expect(
        store().listSessions('user-1', { cursor: 'not a cursor', limit: 2 }),
      ).rejects.toMatchObject({
        code: 'invalid',
      });
    });
  });
}

function describeMessages(store: StoreAccessor): void {
  describe('messages', () => {
    it('numbers messages 1, 2, 3 and bumps the session’s lastSeq and updatedAt', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      await sleep(5);
      const results = [];
      for (const text of ['one', 'two', 'three']) {
        results.push(
          await store().appendMessage({ sessionId: session.id, role: 'user', text, clientMsgId: text }),
        );
      }
      expect(results.map((result) => [result.created, result.message.seq])).toEqual([
        [true, 1],
        [true, 2],
        [true, 3],
      ]);
      const updated = await store().getSession(session.id);
      expect(updated?.lastSeq).toBe(3);
      expect(updated!.updatedAt > session.updatedAt).toBe(true);
    });

    it('a repeated clientMsgId returns the stored message with created=false and stores nothing', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      const first = await store().appendMessage({
        sessionId: session.id,
        role: 'user',
        text: 'hi',
        clientMsgId: 'c-1',
      });
      const again = await store().appendMessage({
        sessionId: session.id,
        role: 'user',
        text: 'hi (resent)',
        clientMsgId: 'c-1',
      });
      expect(again).toEqual({ created: false, message: first.message });
      expect((await store().getSession(session.id))?.lastSeq).toBe(1);
      const other = await store().createSession({ userId: 'user-1', title: 'other' });
      const elsewhere = await store().appendMessage({
        sessionId: other.id,
        role: 'user',
        text: 'hi',
        clientMsgId: 'c-1',
      });
      expect(elsewhere.created).toBe(true);
      expect(await store().findMessageByClientMsgId(session.id, 'c-1')).toEqual(first.message);
      expect(await store().findMessageByClientMsgId(session.id, 'c-2')).toBeNull();
      expect(await store().findMessageByClientMsgId('missing', 'c-1')).toBeNull();
    });

    it('stores any number of messages without a clientMsgId, keeping assistant meta intact', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      const first = await store().appendMessage({
        sessionId: session.id,
        role: 'assistant',
        text: 'a',
        meta: assistantMeta,
      });
      const second = await store().appendMessage({ sessionId: session.id, role: 'assistant', text: 'b' });
      expect(first.message).toMatchObject({ seq: 1, clientMsgId: null, meta: assistantMeta });
      expect(second.message).toMatchObject({ seq: 2, clientMsgId: null, meta: null });
      const page = await store().listMessages(session.id, { afterSeq: 0, limit: 10 });
      expect(page.items).toEqual([first.message, second.message]);
    });

    it('appending to an unknown session fails as not_found', async () => {
      const failure = await store()
        .appendMessage({ sessionId: 'missing', role: 'user', text: 'x', clientMsgId: 'c' })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(EchoError);
      expect(failure).toMatchObject({ code: 'not_found' });
    });

    it('pages messages after a seq; the cursor is the last seq and the last page has none', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      expect(await store().listMessages(session.id, { afterSeq: 0, limit: 2 })).toEqual({
        items: [],
        nextCursor: null,
      });
      for (let index = 1; index <= 5; index += 1) {
        await store().appendMessage({ sessionId: session.id, role: 'user', text: `m${index}` });
      }
      const first = await store().listMessages(session.id, { afterSeq: 0, limit: 2 });
      expect(first.items.map((message) => message.seq)).toEqual([1, 2]);
      expect(first.nextCursor).toBe('2');
      const second = await store().listMessages(session.id, { afterSeq: 2, limit: 2 });
      expect(second.nextCursor).toBe('4');
      const last = await store().listMessages(session.id, { afterSeq: 4, limit: 2 });
      expect(last).toMatchObject({ items: [{ seq: 5, text: 'm5' }], nextCursor: null });
      const exact = await store().listMessages(session.id, { afterSeq: 3, limit: 2 });
      expect(exact.items.map((message) => message.seq)).toEqual([4, 5]);
      expect(exact.nextCursor).toBeNull();
    });

    it('recentMessages returns the last n messages in ascending order', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      expect(await store().recentMessages(session.id, 3)).toEqual([]);
      for (let index = 1; index <= 5; index += 1) {
        await store().appendMessage({ sessionId: session.id, role: 'user', text: `m${index}` });
      }
      const recent = await store().recentMessages(session.id, 3);
      expect(recent.map((message) => message.seq)).toEqual([3, 4, 5]);
      expect((await store().recentMessages(session.id, 10)).map((message) => message.seq)).toEqual([
        1, 2, 3, 4, 5,
      ]);
    });
  });
}

function describeMessageConcurrency(store: StoreAccessor): void {
  describe('messages under concurrency', () => {
    it('50 concurrent appends to one session get distinct consecutive seqs 1..50', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          store().appendMessage({
            sessionId: session.id,
            role: 'user',
            text: `m${index}`,
            clientMsgId: `c${index}`,
          }),
        ),
      );
      const seqs = results.map((result) => result.message.seq).sort((left, right) => left - right);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
      expect((await store().getSession(session.id))?.lastSeq).toBe(50);
      const stored = await store().listMessages(session.id, { afterSeq: 0, limit: 100 });
      expect(stored.items.map((message) => message.seq)).toEqual(seqs);
    });

    it('the same clientMsgId sent 20 times at once is stored once and every caller gets that message', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 't' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store().appendMessage({ sessionId: session.id, role: 'user', text: 'hi', clientMsgId: 'same' }),
        ),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
      const stored = await store().recentMessages(session.id, 100);
      expect(stored).toEqual([results[0]!.message]);
      const next = await store().appendMessage({ sessionId: session.id, role: 'assistant', text: 'hello' });
      expect(next.message.seq).toBeGreaterThan(stored[0]!.seq);
    });

    it('a catch-up read right after a clientMsgId race returns the stored message (no gap to wait out)', async () => {
      // Races are timing-dependent: repeat them so a seq given up by a loser is exercised many times.
      for (let round = 0; round < 15; round += 1) {
        const session = await store().createSession({ userId: 'user-1', title: `race ${round}` });
        const results = await Promise.all(
          Array.from({ length: 3 }, () =>
            store().appendMessage({ sessionId: session.id, role: 'user', text: 'hi', clientMsgId: 'same' }),
          ),
        );
        const page = await store().listMessages(session.id, { afterSeq: 0, limit: 10 });
        expect(page.items).toEqual([results[0]!.message]);
        const reply = await store().appendMessage({ sessionId: session.id, role: 'assistant', text: 'yo' });
        const afterReply = await store().listMessages(session.id, { afterSeq: 0, limit: 10 });
        expect(afterReply.items).toEqual([results[0]!.message, reply.message]);
      }
    });
  });
}

function describeRecommendations(store: StoreAccessor): void {
  describe('recommendations', () => {
    it('saves a recommendation and reads it back, keeping a caller-chosen id', async () => {
      const expiresAt = new Date(Date.now() + hourMs);
      const saved = await store().saveRecommendation(
        makeRecommendation('s-1', ['t1', 't2'], expiresAt, { id: 'rec-1' }),
      );
      expect(saved).toMatchObject({ id: 'rec-1', sessionId: 's-1', expiresAt: expiresAt.toISOString() });
      expect(await store().getRecommendation('rec-1')).toEqual(saved);
      expect(await store().getRecommendation('missing')).toBeNull();
    });

    it('lists each unexpired recommended track id of the session once', async () => {
      const future = new Date(Date.now() + hourMs);
      await store().saveRecommendation(makeRecommendation('s-1', ['t1', 't2'], future));
      await store().saveRecommendation(makeRecommendation('s-1', ['t2', 't3'], future));
      await store().saveRecommendation(makeRecommendation('s-1', ['t9'], new Date(Date.now() - 1000)));
      await store().saveRecommendation(makeRecommendation('s-2', ['t4'], future));
      expect((await store().listRecommendedTrackIds('s-1')).sort()).toEqual(['t1', 't2', 't3']);
    });

    it('an expired recommendation reads as absent, and sweepExpired deletes exactly the expired ones', async () => {
      const past = new Date(Date.now() - 1000);
      const future = new Date(Date.now() + hourMs);
      const expired = await store().saveRecommendation(makeRecommendation('s-1', ['t1'], past));
      await store().saveRecommendation(makeRecommendation('s-1', ['t2'], past));
      const live = await store().saveRecommendation(makeRecommendation('s-1', ['t3'], future));
      expect(await store().getRecommendation(expired.id)).toBeNull();
      expect(await store().sweepExpired()).toBe(2);
      expect(await store().sweepExpired()).toBe(0);
      expect(await store().getRecommendation(live.id)).toEqual(live);
      expect(await store().sweepExpired(new Date(Date.now() + 2 * hourMs))).toBe(1);
      expect(await store().getRecommendation(live.id)).toBeNull();
    });
  });
}
