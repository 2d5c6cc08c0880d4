import { LRUCache } from 'lru-cache';
import type { Message } from '../protocol/index.js';
import type { ConversationStore, RecommendationStore } from '../store/index.js';

/** What a turn needs of its session before the model request: recent messages and tracks already shown. */
export interface TurnContext {
  history: Message[];
  seenTrackIds: Set<string>;
}

export interface ConversationMemoryOptions {
  /** Messages kept per session: the turn's context window. */
  messagesPerSession: number;
  /** Upper bound on the characters of message text held across all sessions. */
  maxChars: number;
  /** A session nobody wrote to for this long is read from the store again. */
  idleMs: number;
}

interface Remembered {
  history: Message[];
  /** The newest seq this instance saw stored; the next one must be lastSeq + 1 to extend the history. */
  lastSeq: number;
  seenTrackIds: Set<string>;
}

/**
 * Each session's recent context, kept in memory so a turn reaches the model without reading the store.
 * It is only a cache of what this instance stored: every append it sees must follow the last one
 * (seq + 1), otherwise another instance wrote in between and the session is read from the store again.
 */
/** What the memory reads when it has to go to the store. */
export type ConversationMemoryStore = Pick<ConversationStore, 'recentMessages'> &
  Pick<RecommendationStore, 'listRecommendedTrackIds'>;

export class ConversationMemory {
  readonly #store: ConversationMemoryStore;
  readonly #messagesPerSession: number;
  readonly #sessions: LRUCache<string, Remembered>;

  constructor(store: ConversationMemoryStore, options: ConversationMemoryOptions) {
    this.#store = store;
    this.#messagesPerSession = options.messagesPerSession;
    this.#sessions = new LRUCache<string, Remembered>({
      maxSize: options.maxChars,
      sizeCalculation: (entry) =>
        Math.max(
          1,
          entry.history.reduce((total, message) => total + message.text.length, 0),
        ),
      ttl: options.idleMs,
      updateAgeOnGet: true,
    });
  }

  /** A copy the turn may extend (tool calls, new tracks) without touching what is remembered. */
  async contextFor(sessionId: string): Promise<TurnContext> {
    const entry = this.#sessions.get(sessionId) ?? (await this.#load(sessionId));
    return { history: [...entry.history], seenTrackIds: new Set(entry.seenTrackIds) };
  }

  /** A message this instance just stored. */
  observeMessage(message: Message): void {
    const entry = this.#sessions.get(message.sessionId);
    if (!entry) return;
    if (message.seq !== entry.lastSeq + 1) {
      this.#sessions.delete(message.sessionId);
      return;
    }
    entry.history.push(message);
    if (entry.history.length > this.#messagesPerSession) entry.history.shift();
    entry.lastSeq = message.seq;
    this.#sessions.set(message.sessionId, entry);
  }

  /** Tracks this instance just showed in the session. */
  observeTracks(sessionId: string, trackIds: Iterable<string>): void {
    const entry = this.#sessions.get(sessionId);
    if (!entry) return;
    for (const id of trackIds) entry.seenTrackIds.add(id);
  }

  /** The session is gone: nothing of it is kept. */
  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  async #load(sessionId: string): Promise<Remembered> {
    const [history, seenTrackIds] = await Promise.all([
      this.#store.recentMessages(sessionId, this.#messagesPerSession),
      this.#store.listRecommendedTrackIds(sessionId),
    ]);
    const entry = { history, lastSeq: history.at(-1)?.seq ?? 0, seenTrackIds: new Set(seenTrackIds) };
    // A concurrent load or append may have filled the slot meanwhile; the newer view wins.
    const current = this.#sessions.get(sessionId);
    if (current && current.lastSeq >= entry.lastSeq) return current;
    this.#sessions.set(sessionId, entry);
    return entry;
  }
}
