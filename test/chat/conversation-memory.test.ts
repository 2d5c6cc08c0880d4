import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationMemory } from '../../src/chat/conversation-memory.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

describe('conversation memory', () => {
  let store: Store;
  let memory: ConversationMemory;
  let sessionId: string;

  const append = async (text: string, role: 'user' | 'assistant' = 'user') =>
    (await store.appendMessage({ sessionId, role, text })).message;
  const texts = async () => (await memory.contextFor(sessionId)).history.map((message) => message.text);

  beforeEach(async () => {
    store = await createSqliteStore({ path: ':memory:' });
    memory = new ConversationMemory(store, { messagesPerSession: 3, maxChars: 10_000, idleMs: 60_000 });
    sessionId = (await store.createSession({ userId: 'u1', title: 't' })).id;
  });
  afterEach(() => store.close());

  it('reads a session from the store the first time, with the tracks already shown there', async () => {
    await append('hello');
    await store.saveRecommendation({
      sessionId,
      userId: 'u1',
      turnId: 'turn-1',
      query: {},
      tracks: [{ trackId: 't1', score: 1, reasons: [] }],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const context = await memory.contextFor(sessionId);
    expect(context.history.map((message) => message.text)).toEqual(['hello']);
    expect([...context.seenTrackIds]).toEqual(['t1']);
  });

  it('extends the remembered history with the appends it observes, keeping the newest few', async () => {
    await append('one');
    await memory.contextFor(sessionId);
    for (const text of ['two', 'three', 'four']) memory.observeMessage(await append(text));
    expect(await texts()).toEqual(['two', 'three', 'four']);
  });

  it('serves from memory: a write it did not observe stays unseen until the seqs show a gap', async () => {
    await append('one');
    await memory.contextFor(sessionId);
    await append('written by another instance');
    expect(await texts()).toEqual(['one']);
    // The next observed append is seq 3 while memory ends at seq 1: re-read, including the unseen one.
    memory.observeMessage(await append('three'));
    expect(await texts()).toEqual(['one', 'written by another instance', 'three']);
  });

  it('hands out copies: what a turn adds to its context is not remembered', async () => {
    await append('one');
    const context = await memory.contextFor(sessionId);
    context.history.push({ ...context.history[0]!, text: 'scratch' });
    context.seenTrackIds.add('scratch');
    const again = await memory.contextFor(sessionId);
    expect(again.history.map((message) => message.text)).toEqual(['one']);
    expect(again.seenTrackIds.has('scratch')).toBe(false);
  });

  it('remembers tracks shown in a session it holds', async () => {
    await memory.contextFor(sessionId);
    memory.observeTracks(sessionId, ['t7', 't8']);
    expect([...(await memory.contextFor(sessionId)).seenTrackIds].sort()).toEqual(['t7', 't8']);
  });

  it('forgets sessions beyond its size budget and reads them again', async () => {
    const small = new ConversationMemory(store, { messagesPerSession: 3, maxChars: 10, idleMs: 60_000 });
    await append('0123456789');
    await small.contextFor(sessionId);
    const other = (await store.createSession({ userId: 'u1', title: 'other' })).id;
    await store.appendMessage({ sessionId: other, role: 'user', text: 'abcdefghij' });
    await small.contextFor(other);
    await append('unseen');
    expect((await small.contextFor(sessionId)).history.map((message) => message.text)).toEqual([
      '0123456789',
      'unseen',
    ]);
  });
});
