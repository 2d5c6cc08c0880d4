import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { createSqliteStore } from '../../src/store/index.js';

describe('sqlite store smoke', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('stores a session and numbers its messages from 1', async () => {
    store = await createSqliteStore({ path: ':memory:' });
    const session = await store.createSession({ userId: 'user-1', title: 'Hello' });
    const first = await store.appendMessage({
      sessionId: session.id,
      role: 'user',
      text: 'hi',
      clientMsgId: 'c1',
    });
    const again = await store.appendMessage({
      sessionId: session.id,
      role: 'user',
      text: 'hi',
      clientMsgId: 'c1',
    });
    const second = await store.appendMessage({ sessionId: session.id, role: 'assistant', text: 'hello' });
    expect(first).toMatchObject({ created: true, message: { seq: 1 } });
    expect(again).toEqual({ created: false, message: first.message });
    expect(second.message.seq).toBe(2);
    const page = await store.listMessages(session.id, { afterSeq: 0, limit: 10 });
    expect(page.items.map((message) => message.text)).toEqual(['hi', 'hello']);
    expect(page.nextCursor).toBeNull();
    expect((await store.getSession(session.id))?.lastSeq).toBe(2);
  });
});
