import { describe, expect, it } from 'vitest';
import type { NewTurnProgress } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';

const progress = (turnId: string, overrides: Partial<NewTurnProgress> = {}): NewTurnProgress => ({
  turnId,
  sessionId: 'session-1',
  userId: 'user-1',
  replyTo: 'message-1',
  text: '',
  recommendationIds: [],
  ...overrides,
});

export function describeTurnProgressCases(store: StoreAccessor): void {
  describe('turn progress', () => {
    it('saves, replaces by turnId and reads back what a running turn said so far', async () => {
      await store().saveTurnProgress(progress('t1', { text: 'Here are' }));
      await store().saveTurnProgress(
        progress('t1', { text: 'Here are some calm', recommendationIds: ['r1'] }),
      );
      const [saved, ...rest] = await store().listTurnProgress(10);
      expect(rest).toEqual([]);
      expect(saved).toMatchObject({
        turnId: 't1',
        sessionId: 'session-1',
        userId: 'user-1',
        replyTo: 'message-1',
        text: 'Here are some calm',
        recommendationIds: ['r1'],
      });
      expect(Number.isNaN(Date.parse(saved?.updatedAt ?? ''))).toBe(false);
    });

    it('lists oldest first, up to the limit, and forgets a finished turn', async () => {
      for (const turnId of ['a', 'b', 'c']) {
        await store().saveTurnProgress(progress(turnId));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await store().saveTurnProgress(progress('a', { text: 'newer' }));
      expect((await store().listTurnProgress(2)).map((item) => item.turnId)).toEqual(['b', 'c']);
      await store().deleteTurnProgress('b');
      await store().deleteTurnProgress('never-saved');
      expect((await store().listTurnProgress(10)).map((item) => item.turnId)).toEqual(['c', 'a']);
    });
  });
}
