import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { EchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  ClientAckResults,
  ClientPayload,
  Message,
  Page,
  Session,
  SessionRecommendation,
  TrackOpinion,
} from '../protocol/index.js';
import type { ModelRouter } from '../providers/index.js';
import { type Recommender, toRecommendedTrack } from '../recommend/index.js';
import type { PageRequest, TurnProgress } from '../store/index.js';
import type { ChatStore } from './chat-store.js';
import { CONTEXT_MESSAGES } from './context-builder.js';
import { ConversationMemory } from './conversation-memory.js';
import { DeltaPacer } from './delta-pacer.js';
import { HeldSink } from './held-sink.js';
import { OrphanedTurns } from './orphaned-turns.js';
import type { SessionListSink } from './session-list-sink.js';
import { SessionQueue } from './session-queue.js';
import { DEFAULT_SESSION_TITLE, titleFromMessage } from './session-title.js';
import { localTurnLeases, type TurnLease, type TurnLeases } from './turn-leases.js';
import type { TurnMetrics } from './turn-metrics.js';
import { runTurn, type TurnSettings } from './turn-runner.js';
import type { TurnSink } from './turn-sink.js';

export interface ChatSettings extends TurnSettings {
  /** Delta window while the instance is quiet (0: every piece is its own frame). */
  coalesceMs: number;
  /** Delta frames per second this instance aims to stay under; windows widen to keep it (0: none). */
  deltaFramesPerSecond: number;
  /** Turns that may wait behind the running one in a session before new messages get `busy`. */
  queueDepth: number;
  budgetUsdPerDay?: number | undefined;
}

export interface ChatServiceOptions {
  store: ChatStore;
  router: ModelRouter;
  recommender: Recommender;
  logger: Logger;
  settings: ChatSettings;
  /** One turn per session across instances (default: this instance's queue alone). */
  leases?: TurnLeases;
  /** Where each turn's outcome and latencies are counted (the service's metrics). */
  metrics?: TurnMetrics;
}

/** Upper bound on what one session:join returns; a client pages through REST beyond it. */
const JOIN_MESSAGE_LIMIT = 500;
/** Feedback pages read for a join's card states (100 each): far more than one conversation gathers. */
const OPINION_PAGES = 20;
/** Finish reasons of partial replies that leave their message waiting for an answer. */
const unfinishedReasons = new Set(['interrupted', 'error']);
/** Recent conversations kept in memory: about 64 MB of text at most, each dropped after 15 idle minutes. */
const MEMORY_MAX_CHARS = 32_000_000;
const MEMORY_IDLE_MS = 15 * 60_000;
/** Session owners remembered, sparing a store read per message (a mismatch is read again). */
const OWNERS_CACHED = 100_000;
/** Deleted sessions remembered; needed only while their rows are being removed, so a bound is enough. */
const DELETED_REMEMBERED = 10_000;

interface ActiveTurn {
  turnId: string;
  controller: AbortController;
  /** Resolves once the turn has ended and written what it will write. */
  settled: Promise<void>;
}

/**
 * Chat use cases, transport-agnostic: every call names the listener (from the token) and checks that the
 * session is theirs. The gateway only authenticates, validates and forwards.
 */
export class ChatService {
  private readonly queue: SessionQueue;
  private readonly activeTurns = new Map<string, ActiveTurn>();
  private readonly pendingMessageIds = new Set<string>();
  private readonly memory: ConversationMemory;
  private readonly pacer: DeltaPacer;
  private readonly owners = new LRUCache<string, string>({ max: OWNERS_CACHED });
  /** Sessions deleted here or on another instance: they are not_found even before the store says so. */
  private readonly deleted = new LRUCache<string, true>({ max: DELETED_REMEMBERED });
  private readonly leases: TurnLeases;
  /** Aborts turns still waiting for their session's lease when the service closes. */
  private readonly closing = new AbortController();
  /** Turns being finished here on behalf of an instance that is gone. */
  private readonly resuming = new Set<string>();
  private orphans: OrphanedTurns | undefined;

  constructor(private readonly options: ChatServiceOptions) {
    this.queue = new SessionQueue(options.settings.queueDepth);
    this.leases = options.leases ?? localTurnLeases;
    this.pacer = new DeltaPacer(options.settings.coalesceMs, options.settings.deltaFramesPerSecond);
    this.memory = new ConversationMemory(options.store, {
      messagesPerSession: CONTEXT_MESSAGES,
      maxChars: MEMORY_MAX_CHARS,
      idleMs: MEMORY_IDLE_MS,
    });
  }

  async createSession(
    userId: string,
    payload: ClientPayload<'session:create'>,
    sink: SessionListSink,
  ): Promise<Session> {
    const title = payload.title ?? DEFAULT_SESSION_TITLE;
    const session = await this.options.store.createSession({ userId, title });
    this.owners.set(session.id, userId);
    sink.sessionUpdated(session);
    return session;
  }

  /** The session if it exists and belongs to the listener; `not_found` or `forbidden` otherwise. */
  async authorizeSession(userId: string, sessionId: string): Promise<Session> {
    const session = this.deleted.has(sessionId) ? null : await this.options.store.getSession(sessionId);
    if (!session) throw notFound(sessionId);
    this.owners.set(session.id, session.userId);
    assertOwner(session.userId, userId);
    return session;
  }

  /** `authorizeSession` without the session itself: from memory when this instance has seen it. */
  private async authorizeSessionId(userId: string, sessionId: string): Promise<void> {
    if (this.deleted.has(sessionId)) throw notFound(sessionId);
    // A session changes hands only when a guest is merged into a listener (store.mergeUsers), so a cached
    // owner that disagrees is read again before the listener is refused.
    if (this.owners.get(sessionId) !== userId) await this.authorizeSession(userId, sessionId);
  }

  /** A new name from the listener; the session keeps its place in the list (see the store). */
  async renameSession(
    userId: string,
    sessionId: string,
    title: string,
    sink: SessionListSink,
  ): Promise<Session> {
    await this.authorizeSession(userId, sessionId);
    const session = await this.options.store.renameSession(sessionId, title);
    if (!session) throw notFound(sessionId);
    sink.sessionUpdated(session);
    return session;
  }

  /**
   * Removes the session and everything of it but the listener's feedback. Its running turn here is
   * stopped first and allowed to write its last words, so nothing it writes outlives the delete; its
   * queued turns stand down. Other instances are told through `sink` (see the gateway).
   */
  async deleteSession(userId: string, sessionId: string, sink: SessionListSink): Promise<void> {
    const session = await this.authorizeSession(userId, sessionId);
    await this.forgetSession(sessionId);
    try {
      await this.options.store.deleteSession(sessionId);
    } catch (error) {
      // Still stored: the listener may use it again (or retry the delete) here.
      this.deleted.delete(sessionId);
      throw error;
    }
    sink.sessionDeleted(session);
  }

  /**
   * The session is gone (deleted here or on another instance): it is not_found from now on, its running
   * turn stops (resolves once that turn has ended) and nothing of it stays cached.
   */
  async forgetSession(sessionId: string): Promise<void> {
    this.deleted.set(sessionId, true);
    this.owners.delete(sessionId);
    const active = this.activeTurns.get(sessionId);
    active?.controller.abort(new EchoError('cancelled', 'The session was deleted'));
    await active?.settled;
    this.memory.forget(sessionId);
  }

  async joinSession(
    userId: string,
    payload: ClientPayload<'session:join'>,
  ): Promise<ClientAckResults['session:join']> {
    const session = await this.authorizeSession(userId, payload.sessionId);
    const messages: Message[] = [];
    let afterSeq = payload.afterSeq ?? 0;
    while (messages.length < JOIN_MESSAGE_LIMIT) {
      const page = await this.options.store.listMessages(session.id, { afterSeq, limit: 100 });
      messages.push(...page.items);
      const last = page.items.at(-1);
      if (!page.nextCursor || !last) break;
      afterSeq = last.seq;
    }
    const [recommendations, opinions] = await Promise.all([
      this.recommendationsOf(messages),
      this.opinionsIn(session.id),
    ]);
    return {
      session,
      messages,
      recommendations: recommendations.map((recommendation) => ({
        ...recommendation,
        opinions: opinions.get(recommendation.recommendationId) ?? {},
      })),
    };
  }

  /** Recommendation id → track id → the standing like or dislike: the newest signal of each card wins. */
  private async opinionsIn(sessionId: string): Promise<Map<string, Record<string, TrackOpinion>>> {
    const opinions = new Map<string, Record<string, TrackOpinion>>();
    const decided = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 0; pages < OPINION_PAGES; pages += 1) {
      const page = await this.options.store.listFeedback({ sessionId }, { cursor, limit: 100 });
      for (const item of page.items) {
        if (item.signal !== 'like' && item.signal !== 'dislike' && item.signal !== 'clear') continue;
        const key = `${item.recommendationId}\u0000${item.trackId}`;
        if (decided.has(key)) continue;
        decided.add(key);
        if (item.signal === 'clear') continue;
        const card = opinions.get(item.recommendationId) ?? {};
        card[item.trackId] = item.signal;
        opinions.set(item.recommendationId, card);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return opinions;
  }

  /** The cards shown with these assistant messages, in order, skipping expired recommendations. */
  private async recommendationsOf(messages: Message[]): Promise<Omit<SessionRecommendation, 'opinions'>[]> {
    const ids = messages.flatMap((message) => message.meta?.recommendationIds ?? []);
    const stored = (await Promise.all(ids.map((id) => this.options.store.getRecommendation(id)))).filter(
      (recommendation) => recommendation !== null,
    );
    const tracks = await this.options.store.getTracks([
      ...new Set(stored.flatMap((recommendation) => recommendation.tracks.map((item) => item.trackId))),
    ]);
    const byId = new Map(tracks.map((track) => [track.id, track]));
    return stored.map((recommendation) => ({
      recommendationId: recommendation.id,
      turnId: recommendation.turnId,
      tracks: recommendation.tracks.flatMap((item) => {
        const track = byId.get(item.trackId);
        return track ? [toRecommendedTrack(track, item.score, item.reasons)] : [];
      }),
    }));
  }

  async listSessions(userId: string, page: PageRequest): Promise<Page<Session>> {
    return this.options.store.listSessions(userId, page);
  }

  async listMessages(
    userId: string,
    sessionId: string,
    query: { afterSeq: number; limit: number },
  ): Promise<Page<Message>> {
    await this.authorizeSessionId(userId, sessionId);
    return this.options.store.listMessages(sessionId, query);
  }

  /** True when the listener's message with this clientMsgId is stored: a resend that costs no new turn. */
  async isStoredMessage(userId: string, sessionId: string, clientMsgId: string): Promise<boolean> {
    await this.authorizeSessionId(userId, sessionId);
    return (await this.options.store.findMessageByClientMsgId(sessionId, clientMsgId)) !== null;
  }

  /**
   * Stores the message (idempotent on clientMsgId) and resolves once the store acknowledged it; the
   * broadcast and the turn start right after, so the sender's ack comes first. `logger` carries the
   * caller's context (its socket id) into the lines of the turn.
   */
  async sendMessage(
    userId: string,
    payload: ClientPayload<'message:send'>,
    sink: TurnSink & SessionListSink,
    logger: Logger = this.options.logger,
  ): Promise<ClientAckResults['message:send']> {
    await this.authorizeSessionId(userId, payload.sessionId);
    const sessionId = payload.sessionId;
    await this.assertRoomFor(sessionId, payload.clientMsgId);
    await this.assertBudget(userId);
    const { message, created } = await this.options.store.appendMessage({
      sessionId,
      role: 'user',
      text: payload.text,
      clientMsgId: payload.clientMsgId,
    });
    if (created) this.memory.observeMessage(message);
    const needsTurn = created || (await this.isUnanswered(message));
    if (needsTurn) {
      this.pendingMessageIds.add(message.id);
      // The turn starts now (its model request goes out while the ack does); what it broadcasts waits
      // for the next turn of the event loop, after the gateway's ack, starting with message:new.
      const held = new HeldSink(sink);
      if (created) held.emit(sessionId, 'message:new', { message });
      this.queue.enqueue(sessionId, () => this.runTurnFor(userId, message, held, logger));
      setImmediate(() => {
        held.open();
        // After the ack, like the broadcasts: the title is news for the list, not part of the send.
        if (created && message.seq === 1) void this.giveAutomaticTitle(message, sink);
      });
    }
    return { messageId: message.id, seq: message.seq };
  }

  /**
   * The session's first message names it, unless the listener already did (the store renames only while
   * the title is still the default, so a rename racing this one wins). Seq 1 is the first message; on
   * MongoDB a seq given up in a race or a failed append can push it to 2, and that session keeps the
   * default title until the listener renames it. A failure only costs the title, so it is logged.
   */
  private async giveAutomaticTitle(message: Message, sink: SessionListSink): Promise<void> {
    try {
      const session = await this.options.store.renameSession(
        message.sessionId,
        titleFromMessage(message.text),
        { title: DEFAULT_SESSION_TITLE },
      );
      if (session) sink.sessionUpdated(session);
    } catch (error) {
      this.options.logger.warn({ err: error, sessionId: message.sessionId }, 'could not title the session');
    }
  }

  /**
   * A full queue refuses new messages, but not a resend of one already stored (its ack was lost): that
   * adds at most the one turn its message was always owed, and refusing it would leave the client unsure.
   */
  private async assertRoomFor(sessionId: string, clientMsgId: string): Promise<void> {
    if (this.queue.hasRoom(sessionId)) return;
    if (await this.options.store.findMessageByClientMsgId(sessionId, clientMsgId)) return;
    this.queue.assertRoom(sessionId);
  }

  /** A repeated send whose first attempt was stored but never answered (e.g. the node died) gets its turn. */
  private async isUnanswered(message: Message): Promise<boolean> {
    if (this.pendingMessageIds.has(message.id)) return false;
    return !(await this.isAnswered(message));
  }

  private async runTurnFor(userId: string, message: Message, sink: TurnSink, logger: Logger): Promise<void> {
    let lease: TurnLease;
    try {
      lease = await this.leases.acquire(message.sessionId, this.closing.signal);
    } catch {
      this.pendingMessageIds.delete(message.id);
      return;
    }
    try {
      // The same message may have reached another instance too; whichever got the lease first answered.
      if (this.leases.shared && (await this.isAnswered(message))) return;
      await this.runLeasedTurn(userId, message, sink, logger);
    } finally {
      this.pendingMessageIds.delete(message.id);
      await lease.release();
    }
  }

  private async runLeasedTurn(
    userId: string,
    message: Message,
    sink: TurnSink,
    logger: Logger,
    resume?: TurnProgress,
  ): Promise<void> {
    // Checked with no await before the turn is registered: a delete either sees the turn or stops it here.
    if (this.deleted.has(message.sessionId)) return;
    const turnId = resume?.turnId ?? randomUUID();
    const controller = new AbortController();
    // Every line the turn writes (chat, router, recommender) names its session and turn.
    const log = logger.child({ sessionId: message.sessionId, turnId });
    const settled = runTurn(
      { ...this.options, logger: log, memory: this.memory, pacer: this.pacer, sink },
      {
        turnId,
        sessionId: message.sessionId,
        userId,
        replyTo: message.id,
        signal: controller.signal,
        resume,
      },
    ).catch((error: unknown) => log.error({ err: error }, 'turn crashed'));
    this.activeTurns.set(message.sessionId, { turnId, controller, settled });
    try {
      await settled;
    } finally {
      this.activeTurns.delete(message.sessionId);
    }
  }

  /**
   * Whether a stored reply answers this user message (read from the store: another instance may have
   * written it). A reply the service interrupted (shutdown) or that failed does not count: a resend (the
   * client's Retry, with the same clientMsgId) is answered again.
   */
  private async isAnswered(message: Message): Promise<boolean> {
    const recent = await this.options.store.recentMessages(message.sessionId, CONTEXT_MESSAGES * 2);
    // A message this far back was answered long ago (a resend of it starts nothing).
    if (!recent.some((candidate) => candidate.id === message.id)) return true;
    const replies = recent.filter((candidate) => candidate.meta?.replyTo === message.id);
    if (replies.length > 0)
      return replies.some((reply) => !unfinishedReasons.has(reply.meta?.finishReason ?? ''));
    // Replies stored before they named their message: answered when one follows it.
    return recent.some(
      (candidate) =>
        candidate.seq > message.seq && candidate.meta !== null && candidate.meta.replyTo === undefined,
    );
  }

  private async assertBudget(userId: string): Promise<void> {
    const budget = this.options.settings.budgetUsdPerDay;
    if (budget === undefined) return;
    const startOfDay = new Date();
    startOfDay.setUTCHours(0, 0, 0, 0);
    const spent = await this.options.store.sumUsageCost(userId, startOfDay);
    if (spent >= budget) {
      throw new EchoError(
        'budget_exceeded',
        `Today's budget of $${budget.toFixed(2)} is spent ($${spent.toFixed(4)}); it resets at 00:00 UTC`,
      );
    }
  }

  async cancelTurn(userId: string, payload: ClientPayload<'turn:cancel'>): Promise<{ cancelled: boolean }> {
    await this.authorizeSessionId(userId, payload.sessionId);
    return { cancelled: this.cancelLocalTurn(payload.sessionId, payload.turnId) };
  }

  /** Turns running here now, those it finishes for an instance that is gone included. */
  get runningTurns(): number {
    return this.activeTurns.size;
  }

  /** Stops the turn if it runs in this process (already authorized, e.g. forwarded by another instance). */
  cancelLocalTurn(sessionId: string, turnId: string): boolean {
    const active = this.activeTurns.get(sessionId);
    if (!active || active.turnId !== turnId) return false;
    active.controller.abort();
    return true;
  }

  /** Nobody is listening to the session any more: stop paying for its running turn. */
  abandonSession(sessionId: string): void {
    this.activeTurns.get(sessionId)?.controller.abort();
  }

  async addFeedback(userId: string, payload: ClientPayload<'feedback'>): Promise<{ feedbackId: string }> {
    const recommendation = await this.options.store.getRecommendation(payload.recommendationId);
    if (!recommendation)
      throw new EchoError('not_found', 'That recommendation does not exist or has expired');
    if (recommendation.userId !== userId) {
      throw new EchoError('forbidden', 'That recommendation was made for another listener');
    }
    if (!recommendation.tracks.some((item) => item.trackId === payload.trackId)) {
      throw new EchoError('invalid', `trackId: ${payload.trackId} is not part of that recommendation`);
    }
    const feedback = await this.options.store.addFeedback({
      userId,
      sessionId: recommendation.sessionId,
      recommendationId: recommendation.id,
      trackId: payload.trackId,
      signal: payload.signal,
    });
    return { feedbackId: feedback.id };
  }

  /** Starts finishing turns whose instance is gone, through the rooms of `sink`. */
  startRecovery(sink: TurnSink): void {
    this.orphans = new OrphanedTurns({
      store: this.options.store,
      leases: this.leases,
      logger: this.options.logger,
      isHandledHere: (turnId) =>
        this.resuming.has(turnId) ||
        [...this.activeTurns.values()].some((active) => active.turnId === turnId),
      adopt: (turn) => {
        this.resuming.add(turn.turnId);
        this.queue.enqueue(turn.sessionId, () =>
          this.resumeTurn(turn, sink).finally(() => this.resuming.delete(turn.turnId)),
        );
      },
    });
    this.orphans.start();
  }

  private async resumeTurn(turn: TurnProgress, sink: TurnSink): Promise<void> {
    let lease: TurnLease;
    try {
      lease = await this.leases.acquire(turn.sessionId, this.closing.signal);
    } catch {
      return;
    }
    try {
      const recent = await this.options.store.recentMessages(turn.sessionId, CONTEXT_MESSAGES * 2);
      const message = recent.find((candidate) => candidate.id === turn.replyTo);
      if (!message || (await this.isAnswered(message))) {
        await this.options.store.deleteTurnProgress(turn.turnId);
        return;
      }
      this.options.logger.info(
        { turnId: turn.turnId, sessionId: turn.sessionId, savedChars: turn.text.length },
        'finishing a turn whose instance is gone',
      );
      this.owners.set(turn.sessionId, turn.userId);
      await this.runLeasedTurn(turn.userId, message, sink, this.options.logger, turn);
    } finally {
      await lease.release();
    }
  }

  /**
   * Graceful shutdown: running and queued turns get up to `graceMs` to finish; then whatever still runs
   * is stopped (its partial answer is stored) and close() waits for it.
   */
  async finish(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.queue.drain(), deadline]);
    clearTimeout(timer);
    await this.close();
  }

  /** Stops running turns at once (their partial answers are stored) and waits for the queue. */
  async close(): Promise<void> {
    this.closing.abort();
    this.orphans?.stop();
    const stopped = new EchoError(
      'unavailable',
      'This instance shut down before the reply finished; send again',
      {
        retryable: true,
      },
    );
    for (const { controller } of this.activeTurns.values()) controller.abort(stopped);
    await this.queue.drain();
  }
}

function notFound(sessionId: string): EchoError {
  return new EchoError('not_found', `Session ${sessionId} does not exist`);
}

function assertOwner(owner: string, userId: string): void {
  if (owner !== userId) throw new EchoError('forbidden', 'This session belongs to another listener');
}
