import { describe, expect, it } from 'vitest';
import { createSqliteStore, timedStore } from '../../src/store/index.js';

describe('timedStore', () => {
  it('times every call by operation, failures too, and leaves the adapter as it was', async () => {
    const observed: Array<{ operation: string; failed: boolean; seconds: number }> = [];
    const inner = await createSqliteStore({ path: ':memory:' });
    const store = timedStore(inner, {
      observe: (operation, seconds, failed) => observed.push({ operation, seconds, failed }),
    });
    const session = await store.createSession({ userId: 'u1', title: 'Timed' });
    expect(await store.getSession(session.id)).toEqual(session);
    // An invalid origin is refused by the adapter (EchoError invalid): a failed call, timed all the same.
    await expect(store.createSiteKey({ name: 'bad', origins: ['not a url'] })).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(observed.map(({ operation, failed }) => [operation, failed])).toEqual([
      ['createSession', false],
      ['getSession', false],
      ['createSiteKey', true],
    ]);
    expect(observed.every((entry) => entry.seconds >= 0 && entry.seconds < 5)).toBe(true);
    // Plain values and getters read through to the adapter.
    expect(store.kind).toBe('sqlite');
    expect(store.location).toBe(inner.location);
    expect(store.checkpointer).toBe(inner.checkpointer);
    await store.close();
  });
});
