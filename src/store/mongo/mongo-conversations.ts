import type { Filter } from 'mongodb';
import { EchoError } from '../../errors.js';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  AppendResult,
  Message,
  NewMessage,
  Page,
  PageRequest,
  Session,
  User,
  UserMergeReport,
} from '../records.js';
import type { ConversationStore } from '../store.js';
import { nowIso } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import {
  clientMsgKeyOf,
  fromDocument,
  type MessageDocument,
  type SessionDocument,
  toMessage,
  toUser,
} from './mongo-documents.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { ServerTraits } from './mongo-server-traits.js';
import { mergeMongoUsers } from './mongo-user-merge.js';
import { inFlightGapMs, settledMessages } from './settled-messages.js';

/** Bounds the retries of a seq collision (possible only on servers without atomic findAndModify). */
const seqRetryBudgetMs = 15_000;

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Users, sessions and messages: the conversation itself. */
export class MongoConversations implements ConversationStore {
  readonly #collections: MongoCollections;
  /** Known once the store has asked the server what it is (at init); MongoDB's until then. */
  readonly #serverTraits: () => ServerTraits;

  constructor(collections: MongoCollections, serverTraits: () => ServerTraits) {
    this.#collections = collections;
    this.#serverTraits = serverTraits;
  }

  get #traits(): ServerTraits {
    return this.#serverTraits();
  }

  /** Idempotent on id: creating a user that exists returns the stored user unchanged. */
  async createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User> {
    const fields = { kind: input.kind, displayName: input.displayName ?? null, createdAt: nowIso() };
    try {
      await this.#collections.users.updateOne({ _id: input.id }, { $setOnInsert: fields }, { upsert: true });
    } catch (error) {
      // Two concurrent upserts of one id: the loser's insert hits the _id index; the user exists now.
      if (!isDuplicateKey(error)) throw error;
    }
    return toUser((await this.#collections.users.findOne({ _id: input.id }))!);
  }

  async createSession(input: { userId: string; title: string }): Promise<Session> {
    const now = nowIso();
    const document: SessionDocument = {
      _id: newId(),
      userId: input.userId,
      title: input.title,
      createdAt: now,
      updatedAt: now,
      lastSeq: 0,
    };
    await this.#collections.sessions.insertOne(document);
    return fromDocument(document);
  }

  async getSession(id: string): Promise<Session | null> {
    const document = await this.#collections.sessions.findOne({ _id: id });
    return document === null ? null : fromDocument(document);
  }

  async listSessions(userId: string, page: PageRequest): Promise<Page<Session>> {
    const limit = clampLimit(page.limit);
    const filter: Filter<SessionDocument> = { userId };
    if (page.cursor !== undefined) {
      const [updatedAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
      filter.$or = [{ updatedAt: { $lt: updatedAt } }, { updatedAt, _id: { $lt: id } }];
    }
    const documents = await this.#collections.sessions
      .find(filter)
      .sort({ updatedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    return toPage(documents, limit, fromDocument, (document) =>
      encodeCursor([document.updatedAt, document._id]),
    );
  }

  async renameSession(id: string, title: string, expected?: { title: string }): Promise<Session | null> {
    const filter: Filter<SessionDocument> = expected === undefined ? { _id: id } : { _id: id, ...expected };
    const document = await this.#collections.sessions.findOneAndUpdate(
      filter,
      { $set: { title } },
      { returnDocument: 'after' },
    );
    return document === null ? null : fromDocument(document);
  }

  /**
   * Without transactions the session goes first: from then on it reads as absent and appends to it fail
   * as not_found, so the rows after it cannot be joined by new ones (only an append already past its seq
   * reservation could still land, unseen). A delete interrupted half-way is finished by calling again.
   */
  mergeUsers(fromUserId: string, intoUserId: string): Promise<UserMergeReport> {
    return mergeMongoUsers(this.#collections, fromUserId, intoUserId);
  }

  async deleteSession(id: string): Promise<boolean> {
    const { deletedCount } = await this.#collections.sessions.deleteOne({ _id: id });
    await this.#collections.messages.deleteMany({ sessionId: id });
    await this.#collections.recommendations.deleteMany({ sessionId: id });
    await this.#collections.turnProgress.deleteMany({ sessionId: id });
    return deletedCount === 1;
  }

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    const clientMsgId = input.clientMsgId ?? null;
    if (clientMsgId !== null) {
      const existing = await this.findMessageByClientMsgId(input.sessionId, clientMsgId);
      if (existing !== null) return { message: existing, created: false };
    }
    const id = newId();
    const draft = {
      _id: id,
      sessionId: input.sessionId,
      role: input.role,
      text: input.text,
      clientMsgId,
      clientMsgKey: clientMsgKeyOf(id, clientMsgId),
      meta: input.meta ?? null,
    };
    const deadline = Date.now() + seqRetryBudgetMs;
    for (let attempt = 1; Date.now() < deadline; attempt += 1) {
      const outcome = await this.#tryAppend(draft, clientMsgId);
      if (outcome !== 'retry') return outcome;
      // The seq was taken or stale. On MongoDB $inc is atomic and this does not happen; FerretDB 1.x runs
      // findAndModify as read-then-write, so concurrent appends can draw the same or an old seq. Draw
      // again after a short random pause, growing with each attempt, to spread the retries.
      await sleep(Math.random() * Math.min(2 * attempt, 50));
    }
    throw new EchoError('unavailable', 'Could not assign a message seq under contention');
  }

  /**
   * One attempt: reserve a seq and insert; 'retry' when the seq turned out to be taken. The time is the
   * attempt's, not the first one's: catch-up reads judge whether a gap may still fill by the age of the
   * message after it, and retries under contention can take seconds.
   */
  async #tryAppend(
    draft: Omit<MessageDocument, 'seq' | 'createdAt'>,
    clientMsgId: string | null,
  ): Promise<AppendResult | 'retry'> {
    const createdAt = nowIso();
    const { seq, stale } = await this.#reserveSeq(draft.sessionId, createdAt);
    if (stale) return this.#settleStale({ ...draft, createdAt }, seq, clientMsgId);
    const document: MessageDocument = { ...draft, createdAt, seq };
    try {
      await this.#collections.messages.insertOne(document);
      // FerretDB's read-then-write counter can leave lastSeq below a stored seq when a stale write lands
      // after this insert; raise it. MongoDB's $inc is exact, so the extra write is skipped there.
      if (!this.#traits.atomicFindAndModify) {
        await this.#collections.sessions.updateOne({ _id: draft.sessionId }, { $max: { lastSeq: seq } });
      }
      return { message: toMessage(document), created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const settled = clientMsgId === null ? null : await this.#settleDuplicate(document, clientMsgId);
      return settled ?? 'retry';
    }
  }

  /**
   * Draws the next seq. Where findAndModify is not atomic (FerretDB) the counter can fall behind the
   * stored messages and hand out a seq below the newest one, so there it also checks for a stored
   * message with this seq or a later one, and then moves the counter past them. Such a seq may still be
   * used while the message right after it is young: catch-up reads stop before a young gap, so none
   * has passed it yet (and if the seq is taken after all, the insert fails and draws again). Older than
   * that, the seq is stale. On MongoDB the $inc alone is exact and the checks are skipped.
   */
  async #reserveSeq(sessionId: string, updatedAt: string): Promise<{ seq: number; stale: boolean }> {
    const seq = await this.#nextSeq(sessionId, updatedAt);
    if (this.#traits.atomicFindAndModify) return { seq, stale: false };
    const later = await this.#collections.messages.findOne(
      { sessionId, seq: { $gte: seq } },
      { sort: { seq: -1 }, projection: { seq: 1 } },
    );
    if (later === null) return { seq, stale: false };
    await this.#collections.sessions.updateOne({ _id: sessionId }, { $max: { lastSeq: later.seq } });
    const next = await this.#collections.messages.findOne(
      { sessionId, seq: { $gt: seq } },
      { sort: { seq: 1 }, projection: { createdAt: 1 } },
    );
    // Half the window readers wait, as a margin for the time until this insert lands.
    const fillableSince = new Date(Date.now() - inFlightGapMs / 2).toISOString();
    return { seq, stale: next === null || next.createdAt < fillableSince };
  }

  /**
   * A stale seq means another append got ahead. When that was a twin with this clientMsgId, its message
   * is the answer and the drawn seq is marked given up (it may be a gap now); otherwise draw again.
   */
  async #settleStale(
    draft: Omit<MessageDocument, 'seq'>,
    seq: number,
    clientMsgId: string | null,
  ): Promise<AppendResult | 'retry'> {
    const winner =
      clientMsgId === null ? null : await this.findMessageByClientMsgId(draft.sessionId, clientMsgId);
    if (winner === null) return 'retry';
    await this.#abandonSeq({ ...draft, seq });
    return { message: winner, created: false };
  }

  /**
   * Reserves the session's next seq with one $inc on the session document, bumping updatedAt too ($max,
   * so racing appends never move it back).
   */
  async #nextSeq(sessionId: string, updatedAt: string): Promise<number> {
    const session = await this.#collections.sessions.findOneAndUpdate(
      { _id: sessionId },
      { $inc: { lastSeq: 1 }, $max: { updatedAt } },
      // No projection: the session document is small, and FerretDB 1.x rejects findAndModify `fields`.
      { returnDocument: 'after' },
    );
    if (session === null) throw new EchoError('not_found', `Session ${sessionId} not found`);
    return session.lastSeq;
  }

  /**
   * When a concurrent append with the same clientMsgId won the race, its message is the answer and the
   * seq this call reserved is handed back if no later append has taken one since, else marked given up.
   * Only MongoDB's atomic counter can tell "no later append": on FerretDB the seq is always marked.
   * Returns null when the duplicate key was the seq, not the clientMsgId.
   */
  async #settleDuplicate(lost: MessageDocument, clientMsgId: string): Promise<AppendResult | null> {
    const winner = await this.findMessageByClientMsgId(lost.sessionId, clientMsgId);
    if (winner === null) return null;
    const handedBack = this.#traits.atomicFindAndModify && (await this.#handBackSeq(lost));
    if (!handedBack) await this.#abandonSeq(lost);
    return { message: winner, created: false };
  }

  /** Returns the seq to the counter if it is still the newest one drawn. */
  async #handBackSeq(lost: MessageDocument): Promise<boolean> {
    const result = await this.#collections.sessions.updateOne(
      { _id: lost.sessionId, lastSeq: lost.seq },
      { $inc: { lastSeq: -1 } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Fills a seq that could not be handed back with a marker, so catch-up reads pass the gap at once
   * instead of waiting for it to age: the winner of a clientMsgId race may hold a later seq, and its
   * sender reads from before the gap.
   */
  async #abandonSeq(lost: MessageDocument): Promise<void> {
    const id = newId();
    const marker: MessageDocument = {
      ...lost,
      _id: id,
      text: '',
      clientMsgId: null,
      clientMsgKey: clientMsgKeyOf(id, null),
      meta: null,
      abandoned: true,
    };
    try {
      await this.#collections.messages.insertOne(marker);
    } catch (error) {
      // Another append filled the seq after all (FerretDB's counter can repeat one): no gap is left.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async findMessageByClientMsgId(sessionId: string, clientMsgId: string): Promise<Message | null> {
    const document = await this.#collections.messages.findOne({ sessionId, clientMsgId });
    return document === null ? null : toMessage(document);
  }

  async listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>> {
    const limit = clampLimit(query.limit);
    const documents = await this.#collections.messages
      .find({ sessionId, seq: { $gt: query.afterSeq } })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    const settled = settledMessages(documents, query.afterSeq);
    // Stopped at a gap that may still fill: no cursor, so the caller reads again later from its last seq.
    if (!settled.complete) return { items: visibleMessages(settled.documents), nextCursor: null };
    const page = toPage(
      documents,
      limit,
      (document) => document,
      (document) => String(document.seq),
    );
    return { items: visibleMessages(page.items), nextCursor: page.nextCursor };
  }

  async recentMessages(sessionId: string, limit: number): Promise<Message[]> {
    const documents = await this.#collections.messages
      .find({ sessionId, abandoned: { $exists: false } })
      .sort({ seq: -1 })
      .limit(clampLimit(limit))
      .toArray();
    return documents.reverse().map(toMessage);
  }
}

function visibleMessages(documents: MessageDocument[]): Message[] {
  return documents.filter((document) => document.abandoned !== true).map(toMessage);
}
