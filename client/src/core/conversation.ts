import type {
  ClientAckResults,
  Message,
  ServerPayloads,
  Session,
  TrackOpinion,
} from '../../../src/protocol/index.js';
import { type Connection, RequestError } from './connection.js';
import {
  type CardSet,
  type Delivery,
  type Entry,
  isRunning,
  type ReplyEntry,
  type UserEntry,
} from './conversation-state.js';
import { Outbox } from './outbox.js';

export interface ConversationListener {
  /** An entry was added or changed; `entries` is the whole conversation in order. */
  changed(entry: Entry, entries: readonly Entry[]): void;
  removed(key: string): void;
  /** Every entry was replaced (another session opened). */
  reset(entries: readonly Entry[]): void;
  session(session: Session): void;
  /** A reply ended (done, stopped or failed), for announcing it once. */
  finished(reply: ReplyEntry): void;
  /** Joining the open session failed (e.g. it was deleted, or belongs to an old listener). */
  joinFailed(error: unknown): void;
  /** The opened session's history is all shown (once per open, not on reconnects). */
  loaded(): void;
}

/** How long a reply may stay silent after a reconnect before it is shown as lost (with Retry). */
const LOST_REPLY_MS = 30_000;
const RETRY_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];

/**
 * One open conversation: its entries in order, the delivery of what the listener typed, and the replies
 * as they stream. Transport-agnostic about the view: it reports changes to a listener.
 */
export class Conversation {
  #sessionId: string | null = null;
  #lastSeq = 0;
  #entries: Entry[] = [];
  #sending = false;
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #failures = new Map<string, number>();
  /** Turn id → the delta index expected next (a different one means deltas were missed). */
  #deltaIndex = new Map<string, number>();
  /** Whether the open session's first join has been shown. */
  #loaded = false;
  readonly #outbox: Outbox;

  constructor(
    private readonly connection: Connection,
    private readonly listener: ConversationListener,
    storagePrefix: string,
  ) {
    this.#outbox = new Outbox(storagePrefix);
    this.#listen();
  }

  get sessionId(): string | null {
    return this.#sessionId;
  }

  get entries(): readonly Entry[] {
    return this.#entries;
  }

  /** The reply streaming now, if any (for Stop). */
  get runningReply(): ReplyEntry | undefined {
    return this.#entries.find((entry): entry is ReplyEntry => entry.kind === 'reply' && isRunning(entry));
  }

  /** Shows a session (joining it when connected); its unsent messages come back from the outbox. */
  async open(sessionId: string): Promise<void> {
    this.#clearTimers();
    // Messages typed before any session was open belong to the first one opened.
    const unbound = this.#sessionId === null ? this.#entries.filter((entry) => entry.kind === 'user') : [];
    for (const entry of unbound) {
      if (entry.clientMsgId)
        this.#outbox.add(sessionId, { clientMsgId: entry.clientMsgId, text: entry.text });
    }
    this.#sessionId = sessionId;
    this.#lastSeq = 0;
    this.#loaded = false;
    this.#entries = this.#outbox.list(sessionId).map((item) => ({
      kind: 'user',
      key: item.clientMsgId,
      clientMsgId: item.clientMsgId,
      messageId: null,
      seq: null,
      text: item.text,
      delivery: { kind: 'waiting' },
    }));
    this.listener.reset(this.#entries);
    if (this.connection.socket.connected)
      await this.#catchUp().catch((error: unknown) => this.listener.joinFailed(error));
  }

  /** Leaves the current session without opening another (it was deleted). */
  close(): void {
    this.#clearTimers();
    this.#sessionId = null;
    this.#entries = [];
    this.listener.reset(this.#entries);
  }

  /** Creates a new session on the server and opens it. */
  async create(): Promise<Session> {
    const { session } = await this.connection.request('session:create', {});
    await this.open(session.id);
    this.listener.session(session);
    return session;
  }

  /** Shows the message at once and sends it when it can; typed before any session is open, it waits for one. */
  send(text: string): void {
    const sessionId = this.#sessionId;
    const clientMsgId = crypto.randomUUID();
    if (sessionId) this.#outbox.add(sessionId, { clientMsgId, text });
    const entry: UserEntry = {
      kind: 'user',
      key: clientMsgId,
      clientMsgId,
      messageId: null,
      seq: null,
      text,
      delivery: this.connection.socket.connected && sessionId ? { kind: 'sending' } : { kind: 'waiting' },
    };
    this.#entries.push(entry);
    this.#changed(entry);
    void this.#flush();
  }

  /** Sends a failed message, or the message of a failed reply, again with the same clientMsgId. */
  retry(key: string): void {
    const entry = this.#find(key);
    const user = entry?.kind === 'reply' ? this.#userFor(entry) : entry;
    if (user?.kind !== 'user' || !user.clientMsgId || !this.#sessionId) return;
    if (entry?.kind === 'reply') this.#remove(entry.key);
    this.#outbox.add(this.#sessionId, { clientMsgId: user.clientMsgId, text: user.text });
    this.#failures.delete(user.key);
    this.#setDelivery(user, this.connection.socket.connected ? { kind: 'sending' } : { kind: 'waiting' });
    void this.#flush();
  }

  async stop(): Promise<void> {
    const reply = this.runningReply;
    if (!reply || !this.#sessionId) return;
    await this.connection.request('turn:cancel', { sessionId: this.#sessionId, turnId: reply.turnId });
  }

  /** Sets or withdraws the listener's opinion of a card; the card shows it at once and reverts on failure. */
  async setOpinion(recommendationId: string, trackId: string, opinion: TrackOpinion | null): Promise<void> {
    const found = this.#cardSet(recommendationId);
    if (!found) return;
    const [reply, cards] = found;
    const before = cards.opinions[trackId];
    applyOpinion(cards, trackId, opinion);
    this.#changed(reply);
    try {
      await this.connection.request('feedback', { recommendationId, trackId, signal: opinion ?? 'clear' });
    } catch (error) {
      applyOpinion(cards, trackId, before ?? null);
      this.#changed(reply);
      throw error;
    }
  }

  #listen(): void {
    const { socket } = this.connection;
    socket.on('connect', () => {
      this.#markOffline(false);
      void this.#catchUp().catch((error: unknown) => this.listener.joinFailed(error));
    });
    socket.on('disconnect', () => this.#markOffline(true));
    socket.on('message:new', ({ message }) => this.#mine(message.sessionId) && this.#stored(message));
    socket.on('turn:start', (event) => this.#mine(event.sessionId) && this.#turnStarted(event));
    socket.on('turn:delta', (event) => this.#mine(event.sessionId) && this.#delta(event));
    socket.on('turn:recs', (event) => this.#mine(event.sessionId) && this.#recs(event));
    socket.on('turn:done', (event) => this.#mine(event.sessionId) && this.#done(event));
    socket.on('turn:error', (event) => this.#mine(event.sessionId) && this.#error(event));
    socket.on('session:updated', ({ session }) => {
      if (this.#mine(session.id)) this.listener.session(session);
    });
  }

  #mine(sessionId: string): boolean {
    return sessionId === this.#sessionId;
  }

  /** Joins (again) after what was already seen; replaces partial replies by the stored ones; resends. */
  async #catchUp(): Promise<void> {
    const sessionId = this.#sessionId;
    if (!sessionId) return;
    const joined = await this.connection.request('session:join', { sessionId, afterSeq: this.#lastSeq });
    if (sessionId !== this.#sessionId) return;
    this.listener.session(joined.session);
    this.#applyJoin(joined);
    if (!this.#loaded) {
      this.#loaded = true;
      this.listener.loaded();
    }
    for (const entry of this.#entries) {
      if (entry.kind === 'reply' && isRunning(entry)) this.#watchForLoss(entry);
    }
    void this.#flush();
  }

  #applyJoin(joined: ClientAckResults['session:join']): void {
    for (const message of joined.messages) this.#stored(message);
    for (const set of joined.recommendations) {
      const reply = this.#find(set.turnId);
      if (reply?.kind !== 'reply') continue;
      const existing = reply.cards.find((cards) => cards.recommendationId === set.recommendationId);
      if (existing) existing.opinions = { ...set.opinions };
      else
        reply.cards.push({
          recommendationId: set.recommendationId,
          tracks: set.tracks,
          opinions: set.opinions,
        });
      this.#changed(reply);
    }
  }

  /** A stored message (join, or message:new): inserted by seq, or completing the entry it belongs to. */
  #stored(message: Message): void {
    this.#lastSeq = Math.max(this.#lastSeq, message.seq);
    if (message.role === 'assistant' && message.meta) {
      const known = this.#find(message.meta.turnId);
      const reply = this.#replyEntry(message.meta.turnId, message.meta.replyTo ?? null);
      // A reply seen only now, in the history, is not news: it is not announced.
      const wasRunning = known !== undefined && isRunning(reply);
      if (!known) reply.status = 'done';
      reply.seq = message.seq;
      reply.text = message.text;
      reply.gap = false;
      reply.details = {
        provider: message.meta.provider,
        model: message.meta.model,
        costUsd: message.meta.costUsd,
        ttftMs: message.meta.ttftMs,
        totalMs: message.meta.totalMs,
      };
      if (wasRunning || reply.status === 'failed') reply.status = finishedStatus(message.meta.finishReason);
      this.#place(reply);
      // Its turn:start may have been missed (offline, or another tab's message): it is not queued now.
      const user = this.#userFor(reply);
      if (user?.delivery.kind === 'queued') this.#setDelivery(user, { kind: 'delivered' });
      if (wasRunning) this.listener.finished(reply);
      return;
    }
    const user =
      (message.clientMsgId ? this.#find(message.clientMsgId) : undefined) ?? this.#find(message.id);
    if (user?.kind === 'user') {
      user.messageId = message.id;
      user.seq = message.seq;
      if (user.delivery.kind !== 'delivered') user.delivery = this.#afterAck(user);
      this.#place(user);
      return;
    }
    const entry: UserEntry = {
      kind: 'user',
      key: message.clientMsgId ?? message.id,
      clientMsgId: message.clientMsgId,
      messageId: message.id,
      seq: message.seq,
      text: message.text,
      delivery: { kind: 'delivered' },
    };
    // Queued only behind a reply seen running: after a reload, the reply streaming now may be its own.
    entry.delivery = this.#afterAck(entry);
    this.#place(entry);
  }

  #turnStarted(event: ServerPayloads['turn:start']): void {
    const reply = this.#replyEntry(event.turnId, event.replyTo);
    if (event.resumedText !== undefined) {
      // Another instance finishes this reply: its text so far replaces ours, deltas count from 0 again.
      reply.text = event.resumedText;
      reply.gap = false;
      this.#deltaIndex.set(event.turnId, 0);
    }
    reply.status = reply.text ? 'streaming' : 'thinking';
    reply.details = { provider: event.provider, model: event.model, costUsd: 0, ttftMs: null, totalMs: 0 };
    const user = this.#userFor(reply);
    if (user) this.#setDelivery(user, { kind: 'delivered' });
    // A failed reply to the same message that never said anything gives way to the new one.
    for (const entry of [...this.#entries]) {
      if (
        entry.kind === 'reply' &&
        entry !== reply &&
        entry.replyTo === event.replyTo &&
        entry.status === 'failed' &&
        !entry.text
      )
        this.#remove(entry.key);
    }
    this.#changed(reply);
  }

  #delta(event: ServerPayloads['turn:delta']): void {
    const reply = this.#replyEntry(event.turnId, null);
    const expected = this.#deltaIndex.get(event.turnId) ?? 0;
    this.#deltaIndex.set(event.turnId, event.index + 1);
    if (event.index !== expected) reply.gap = true;
    // Text after a gap would read wrong: wait for the stored reply (turn:done or the next join).
    if (!reply.gap) reply.text += event.text;
    if (reply.status === 'thinking' || reply.status === 'failed') reply.status = 'streaming';
    this.#touch(reply);
    this.#changed(reply);
  }

  #recs(event: ServerPayloads['turn:recs']): void {
    const reply = this.#replyEntry(event.turnId, null);
    if (!reply.cards.some((cards) => cards.recommendationId === event.recommendationId)) {
      reply.cards.push({ recommendationId: event.recommendationId, tracks: event.tracks, opinions: {} });
    }
    this.#touch(reply);
    this.#changed(reply);
  }

  #done(event: ServerPayloads['turn:done']): void {
    const reply = this.#replyEntry(event.turnId, event.meta.replyTo ?? null);
    reply.status = 'streaming';
    this.#stored(event.message);
    reply.details = {
      provider: event.meta.provider,
      model: event.meta.model,
      costUsd: event.costUsd,
      ttftMs: event.ttftMs,
      totalMs: event.totalMs,
    };
    this.#clearTimer(reply.key);
    this.#changed(reply);
  }

  #error(event: ServerPayloads['turn:error']): void {
    const reply = this.#replyEntry(event.turnId, null);
    reply.status = event.code === 'cancelled' ? 'stopped' : 'failed';
    reply.error = { code: event.code, message: event.message, retryable: event.retryable };
    this.#clearTimer(reply.key);
    this.#changed(reply);
    this.listener.finished(reply);
    this.#promoteQueued();
  }

  #replyEntry(turnId: string, replyTo: string | null): ReplyEntry {
    const existing = this.#find(turnId);
    if (existing?.kind === 'reply') {
      if (replyTo) existing.replyTo = replyTo;
      return existing;
    }
    const reply: ReplyEntry = {
      kind: 'reply',
      key: turnId,
      turnId,
      replyTo,
      seq: null,
      text: '',
      status: 'thinking',
      error: null,
      details: null,
      cards: [],
      gap: false,
    };
    this.#place(reply);
    return reply;
  }

  /**
   * Puts the entry where it belongs: a reply right after its message (and the replies before it), even
   * once stored: a message sent while a reply streams is stored first, and that reply must not jump below
   * it when it ends. Other stored entries by seq; unsent messages last, in the order typed.
   */
  #place(entry: Entry): void {
    const index = this.#entries.indexOf(entry);
    if (index >= 0) this.#entries.splice(index, 1);
    const position = this.#positionFor(entry);
    this.#entries.splice(position, 0, entry);
    this.#changed(entry);
  }

  #positionFor(entry: Entry): number {
    if (entry.kind === 'reply' && entry.replyTo) {
      const user = this.#entries.findIndex(
        (other) => other.kind === 'user' && other.messageId === entry.replyTo,
      );
      if (user >= 0) {
        let position = user + 1;
        while (position < this.#entries.length && this.#entries[position]!.kind === 'reply') position += 1;
        return position;
      }
    }
    const seq = entry.seq;
    if (seq !== null) {
      const shown = this.#shownMessageIds();
      const after = this.#entries.findIndex(
        (other) =>
          (other.seq !== null && other.seq > seq && !isUnder(other, shown)) ||
          (other.kind === 'user' && other.seq === null),
      );
      return after < 0 ? this.#entries.length : after;
    }
    const firstUnsent = this.#entries.findIndex((other) => other.kind === 'user' && other.seq === null);
    return entry.kind === 'user' || firstUnsent < 0 ? this.#entries.length : firstUnsent;
  }

  #shownMessageIds(): Set<string> {
    const ids = new Set<string>();
    for (const entry of this.#entries) if (entry.kind === 'user' && entry.messageId) ids.add(entry.messageId);
    return ids;
  }

  /**
   * Sends what the outbox holds, one message at a time and in order. A stored message counts too when it
   * is sent again (Retry after its reply failed): the server keeps its seq and answers it anew.
   */
  async #flush(): Promise<void> {
    if (this.#sending || !this.connection.socket.connected || !this.#sessionId) return;
    this.#sending = true;
    try {
      for (;;) {
        const next = this.#entries.find(
          (entry): entry is UserEntry =>
            entry.kind === 'user' && (entry.delivery.kind === 'sending' || entry.delivery.kind === 'waiting'),
        );
        if (!next || !this.connection.socket.connected) return;
        if (!(await this.#deliver(next))) return;
      }
    } finally {
      this.#sending = false;
    }
  }

  /** One attempt; false when the rest must wait (offline, or the server asked us to). */
  async #deliver(entry: UserEntry): Promise<boolean> {
    const sessionId = this.#sessionId;
    // No session open yet (the first is on its way): the message waits for it, and open() sends it.
    if (!sessionId) return false;
    if (!entry.clientMsgId) {
      this.#setDelivery(entry, { kind: 'delivered' });
      return true;
    }
    this.#setDelivery(entry, { kind: 'sending' });
    try {
      const sent = await this.connection.request('message:send', {
        sessionId,
        clientMsgId: entry.clientMsgId,
        text: entry.text,
      });
      this.#outbox.remove(sessionId, entry.clientMsgId);
      this.#failures.delete(entry.key);
      if (sessionId !== this.#sessionId) return true;
      entry.messageId = sent.messageId;
      entry.seq = sent.seq;
      this.#lastSeq = Math.max(this.#lastSeq, sent.seq);
      if (entry.delivery.kind === 'sending') entry.delivery = this.#afterAck(entry);
      this.#place(entry);
      return true;
    } catch (error) {
      return this.#deliveryFailed(entry, error);
    }
  }

  #deliveryFailed(entry: UserEntry, error: unknown): boolean {
    const failure = error instanceof RequestError ? error : undefined;
    if (!this.connection.socket.connected) {
      this.#setDelivery(entry, { kind: 'waiting' });
      return false;
    }
    if (failure && !failure.retryable) {
      if (this.#sessionId && entry.clientMsgId) this.#outbox.remove(this.#sessionId, entry.clientMsgId);
      this.#setDelivery(entry, { kind: 'failed', message: failure.message });
      return true;
    }
    const attempt = (this.#failures.get(entry.key) ?? 0) + 1;
    this.#failures.set(entry.key, attempt);
    const backoff = RETRY_BACKOFF_MS[Math.min(attempt - 1, RETRY_BACKOFF_MS.length - 1)]!;
    const waitMs = Math.max(failure?.retryAfterMs ?? 0, backoff);
    const reason = failure?.code === 'busy' ? 'busy' : 'rate_limited';
    this.#setDelivery(entry, { kind: 'retrying', retryAt: Date.now() + waitMs, reason });
    this.#setTimer(
      entry.key,
      () => {
        if (entry.delivery.kind !== 'retrying') return;
        this.#setDelivery(entry, { kind: 'sending' });
        void this.#flush();
      },
      waitMs,
    );
    return false;
  }

  /** After the server stored a message: its reply runs now, or it waits for the one running. */
  #afterAck(entry: UserEntry): Delivery {
    if (entry.messageId && this.#answered(entry.messageId)) return { kind: 'delivered' };
    const running = this.runningReply;
    return running && running.replyTo !== entry.messageId ? { kind: 'queued' } : { kind: 'delivered' };
  }

  #answered(messageId: string): boolean {
    return this.#entries.some((entry) => entry.kind === 'reply' && entry.replyTo === messageId);
  }

  /** When a turn ends with an error, the message queued behind it is up next: nothing to show for it. */
  #promoteQueued(): void {
    if (this.runningReply) return;
    for (const entry of this.#entries) {
      if (entry.kind === 'user' && entry.delivery.kind === 'queued') {
        this.#setDelivery(entry, { kind: 'delivered' });
        return;
      }
    }
  }

  #markOffline(offline: boolean): void {
    for (const entry of this.#entries) {
      if (entry.kind !== 'user') continue;
      if (offline && entry.delivery.kind === 'sending') this.#setDelivery(entry, { kind: 'waiting' });
      if (!offline && entry.delivery.kind === 'waiting') this.#setDelivery(entry, { kind: 'sending' });
    }
  }

  /** After a reconnect, a reply that never moves again is shown as lost, so it is never stuck. */
  #watchForLoss(reply: ReplyEntry): void {
    this.#setTimer(reply.key, () => this.#lost(reply), LOST_REPLY_MS);
  }

  #touch(reply: ReplyEntry): void {
    if (this.#timers.has(reply.key)) this.#watchForLoss(reply);
  }

  #lost(reply: ReplyEntry): void {
    if (!isRunning(reply)) return;
    reply.status = 'failed';
    reply.error = { code: 'unavailable', message: 'This reply was lost on the way', retryable: true };
    this.#changed(reply);
    this.listener.finished(reply);
  }

  #userFor(reply: ReplyEntry): UserEntry | undefined {
    if (!reply.replyTo) return undefined;
    return this.#entries.find(
      (entry): entry is UserEntry => entry.kind === 'user' && entry.messageId === reply.replyTo,
    );
  }

  #cardSet(recommendationId: string): [ReplyEntry, CardSet] | undefined {
    for (const entry of this.#entries) {
      if (entry.kind !== 'reply') continue;
      const cards = entry.cards.find((set) => set.recommendationId === recommendationId);
      if (cards) return [entry, cards];
    }
    return undefined;
  }

  #find(key: string): Entry | undefined {
    return this.#entries.find((entry) => entry.key === key);
  }

  #setDelivery(entry: UserEntry, delivery: Delivery): void {
    entry.delivery = delivery;
    this.#changed(entry);
  }

  #remove(key: string): void {
    this.#entries = this.#entries.filter((entry) => entry.key !== key);
    this.listener.removed(key);
  }

  #changed(entry: Entry): void {
    if (this.#entries.includes(entry)) this.listener.changed(entry, this.#entries);
  }

  #setTimer(key: string, run: () => void, delayMs: number): void {
    this.#clearTimer(key);
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        run();
      }, delayMs),
    );
  }

  #clearTimer(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
  }

  #clearTimers(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#deltaIndex.clear();
  }
}

/** A reply placed under its message rather than by seq (see #place). */
function isUnder(entry: Entry, shownMessageIds: ReadonlySet<string>): boolean {
  return entry.kind === 'reply' && entry.replyTo !== null && shownMessageIds.has(entry.replyTo);
}

function finishedStatus(finishReason: string): ReplyEntry['status'] {
  if (finishReason === 'cancelled') return 'stopped';
  return finishReason === 'error' || finishReason === 'interrupted' ? 'failed' : 'done';
}

function applyOpinion(cards: CardSet, trackId: string, opinion: TrackOpinion | null): void {
  if (opinion) cards.opinions[trackId] = opinion;
  else delete cards.opinions[trackId];
}
