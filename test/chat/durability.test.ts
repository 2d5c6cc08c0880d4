import { describe, expect, it } from 'vitest';
import {
  ChatService,
  offlineRecommendTool,
  type SessionListSink,
  type TurnSink,
} from '../../src/chat/index.js';
import { loadConfig } from '../../src/config/index.js';
import { EchoError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import type { ServerEventName } from '../../src/protocol/index.js';
import { createProviders } from '../../src/providers/index.js';
import { createRecommender, loadCatalog } from '../../src/recommend/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

/** A real SQLite store whose next `failures` appends fail the way an unreachable backend does. */
function withOutage(real: Store): { store: Store; fail(times: number): void } {
  let failures = 0;
  const store = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'appendMessage' && failures > 0) {
        return async () => {
          failures -= 1;
          throw new EchoError('unavailable', 'The store is unreachable (simulated outage)');
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, fail: (times) => (failures = times) };
}

describe('durability of user messages', () => {
  it('acknowledges only stored messages; a retry after an outage stores exactly one', async () => {
    const logger = createLogger('silent');
    const real = await createSqliteStore({ path: ':memory:' });
    const { store, fail } = withOutage(real);
    const recommender = createRecommender({ tracks: await loadCatalog(real), store: real });
    const { router } = createProviders({
      config: loadConfig({}),
      logger,
      offlineTool: offlineRecommendTool((text, conversation) => recommender.understand(text, conversation)),
    });
    const chat = new ChatService({
      store,
      router,
      recommender,
      logger,
      settings: {
        coalesceMs: 0,
        deltaFramesPerSecond: 0,
        recommendationTtlDays: 1,
        maxSteps: 3,
        queueDepth: 3,
      },
    });
    const events: ServerEventName[] = [];
    const sink: TurnSink & SessionListSink = {
      emit: (_sessionId, event) => events.push(event),
      sessionUpdated: () => events.push('session:updated'),
      sessionDeleted: () => events.push('session:deleted'),
    };
    const user = await real.createUser({ id: 'listener', kind: 'guest' });
    const session = await chat.createSession(user.id, {}, sink);
    events.length = 0;
    const payload = { sessionId: session.id, clientMsgId: 'retry-me', text: 'calm music for reading' };

    fail(1);
    await expect(chat.sendMessage(user.id, payload, sink)).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    expect((await real.listMessages(session.id, { afterSeq: 0, limit: 10 })).items).toEqual([]);
    expect(events).toEqual([]);

    const ack = await chat.sendMessage(user.id, payload, sink);
    const again = await chat.sendMessage(user.id, payload, sink);
    expect(again).toEqual(ack);
    for (let waited = 0; !events.includes('turn:done') && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await chat.close();
    const stored = (await real.listMessages(session.id, { afterSeq: 0, limit: 10 })).items;
    expect(stored.filter((message) => message.role === 'user')).toHaveLength(1);
    expect(events.filter((event) => event === 'turn:done')).toHaveLength(1);
    await real.close();
  });
});
