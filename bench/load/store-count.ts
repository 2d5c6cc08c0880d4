import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import type { Message } from '../../src/protocol/index.js';
import { createStore } from '../../src/store/index.js';

/** The store's account of a run: every message sent, and the replies to it. */
export interface StoreCount {
  /** clientMsgIds the harness sent (each at least once). */
  sent: number;
  /** Sent, and no user message with that clientMsgId is stored. */
  lost: number;
  /** Stored more than once under one clientMsgId. */
  duplicated: number;
  /** Stored user messages whose clientMsgId the harness never sent. */
  unexpected: number;
  /** Stored user messages with no finished reply. */
  unanswered: number;
  /** Stored user messages with more than one finished reply. */
  answeredTwice: number;
  /** Partial replies kept from turns that failed or were cut off (the resend's reply follows). */
  partialReplies: number;
}

const unfinishedReasons = new Set(['interrupted', 'error', 'cancelled']);
const PAGE = 500;

async function allMessages(
  store: Awaited<ReturnType<typeof createStore>>,
  sessionId: string,
): Promise<Message[]> {
  const messages: Message[] = [];
  for (let afterSeq = 0; ; ) {
    const { items } = await store.listMessages(sessionId, { afterSeq, limit: PAGE });
    messages.push(...items);
    if (items.length < PAGE) return messages;
    afterSeq = items.at(-1)!.seq;
  }
}

function countSession(messages: Message[], sent: string[], count: StoreCount): void {
  const users = messages.filter((message) => message.role === 'user');
  const stored = new Map<string, number>();
  for (const user of users) stored.set(user.clientMsgId ?? '', (stored.get(user.clientMsgId ?? '') ?? 0) + 1);
  for (const clientMsgId of sent) {
    const times = stored.get(clientMsgId) ?? 0;
    if (times === 0) count.lost += 1;
    if (times > 1) count.duplicated += times - 1;
  }
  const expected = new Set(sent);
  count.unexpected += users.filter((user) => !expected.has(user.clientMsgId ?? '')).length;
  for (const user of users) {
    const replies = messages.filter((message) => message.meta?.replyTo === user.id);
    const finished = replies.filter((reply) => !unfinishedReasons.has(reply.meta?.finishReason ?? ''));
    if (finished.length === 0) count.unanswered += 1;
    if (finished.length > 1) count.answeredTwice += 1;
    count.partialReplies += replies.length - finished.length;
  }
}

/**
 * Opens the store the instances wrote (after they stopped: the count is final) through the service's own
 * store module, and counts each session's messages against what the harness sent to it.
 */
export async function countStore(
  storeEnv: Record<string, string>,
  sentBySession: Map<string, string[]>,
): Promise<StoreCount> {
  const store = await createStore({ config: loadConfig(storeEnv), logger: createLogger('silent') });
  const count: StoreCount = {
    sent: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    unanswered: 0,
    answeredTwice: 0,
    partialReplies: 0,
  };
  try {
    for (const [sessionId, sent] of sentBySession) {
      count.sent += sent.length;
      countSession(await allMessages(store, sessionId), sent, count);
    }
  } finally {
    await store.close();
  }
  return count;
}
