import { type Db, type Filter, MongoBulkWriteError, type MongoClient, MongoServerError } from 'mongodb';
import { EchoError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  AppendResult,
  CatalogTrack,
  Feedback,
  ImportJob,
  ImportJobPatch,
  ListeningEvent,
  Message,
  NewFeedback,
  NewImportJob,
  NewMessage,
  NewRecommendation,
  NewUsageRecord,
  Page,
  PageRequest,
  Recommendation,
  Session,
  User,
} from '../records.js';
import { searchTextOf, searchWords } from '../search-text.js';
import type { Store } from '../store.js';
import { guard } from '../store-failure.js';
import { nowIso, toIsoTime } from '../time.js';
import { collectionsOf, type MongoCollections } from './mongo-collections.js';
import {
  clientMsgKeyOf,
  type FeedbackDocument,
  fromDocument,
  type HistoryDocument,
  type MessageDocument,
  type SessionDocument,
  toListeningEvent,
  toMessage,
  toRecommendation,
  toTrack,
  toUser,
} from './mongo-documents.js';
import { applyMongoMigrations } from './mongo-migrations.js';

const duplicateKeyCode = 11000;
/** Bounds the retries of a seq collision (possible only on servers without atomic findAndModify). */
const maxSeqAttempts = 100;

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === duplicateKeyCode;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The production adapter, on the official driver and standard operations only (no transactions, so it
 * also runs on FerretDB). Seq assignment is a single atomic $inc on the session document.
 */
export class MongoStore implements Store {
  readonly kind = 'mongo' as const;
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #collections: MongoCollections;
  readonly #logger: Logger | undefined;

  constructor(options: { client: MongoClient; db: Db; logger?: Logger | undefined }) {
    this.#client = options.client;
    this.#db = options.db;
    this.#logger = options.logger;
    this.#collections = collectionsOf(options.db);
  }

  init(): Promise<void> {
    return guard('init', async () => {
      await applyMongoMigrations(this.#db, { logger: this.#logger });
    });
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  ping(): Promise<void> {
    return guard('ping', async () => {
      await this.#db.command({ ping: 1 });
    });
  }

  /** Idempotent on id: creating a user that exists returns the stored user unchanged. */
  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User> {
    return guard('createUser', async () => {
      const fields = { kind: input.kind, displayName: input.displayName ?? null, createdAt: nowIso() };
      try {
        await this.#collections.users.updateOne(
          { _id: input.id },
          { $setOnInsert: fields },
          { upsert: true },
        );
      } catch (error) {
        // Two concurrent upserts of one id: the loser's insert hits the _id index; the user exists now.
        if (!isDuplicateKey(error)) throw error;
      }
      return toUser((await this.#collections.users.findOne({ _id: input.id }))!);
    });
  }

  getUser(id: string): Promise<User | null> {
    return guard('getUser', async () => {
      const document = await this.#collections.users.findOne({ _id: id });
      return document === null ? null : toUser(document);
    });
  }

  createSession(input: { userId: string; title: string }): Promise<Session> {
    return guard('createSession', async () => {
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
    });
  }

  getSession(id: string): Promise<Session | null> {
    return guard('getSession', async () => {
      const document = await this.#collections.sessions.findOne({ _id: id });
      return document === null ? null : fromDocument(document);
    });
  }

  listSessions(userId: string, page: PageRequest): Promise<Page<Session>> {
    return guard('listSessions', async () => {
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
    });
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return guard('appendMessage', async () => {
      const clientMsgId = input.clientMsgId ?? null;
      if (clientMsgId !== null) {
        const existing = await this.#findByClientMsgId(input.sessionId, clientMsgId);
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
        createdAt: nowIso(),
        meta: input.meta ?? null,
      };
      for (let attempt = 1; ; attempt += 1) {
        const document: MessageDocument = {
          ...draft,
          seq: await this.#nextSeq(input.sessionId, draft.createdAt),
        };
        try {
          await this.#collections.messages.insertOne(document);
          return { message: toMessage(document), created: true };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const settled = clientMsgId === null ? null : await this.#settleDuplicate(document, clientMsgId);
          if (settled !== null) return settled;
          if (attempt >= maxSeqAttempts) {
            throw new EchoError('unavailable', 'Could not assign a message seq under contention', {
              cause: error,
            });
          }
          // The seq was taken. On MongoDB $inc is atomic and this never happens; FerretDB 1.x runs
          // findAndModify as read-then-write, so concurrent appends can draw the same seq. The unique
          // (sessionId, seq) index caught it; draw again after a short random pause to spread retries.
          await sleep(Math.random() * attempt);
        }
      }
    });
  }

  /** Reserves the session's next seq with one $inc on the session document, bumping updatedAt too. */
  async #nextSeq(sessionId: string, updatedAt: string): Promise<number> {
    const session = await this.#collections.sessions.findOneAndUpdate(
      { _id: sessionId },
      { $inc: { lastSeq: 1 }, $set: { updatedAt } },
      // No projection: the session document is small, and FerretDB 1.x rejects findAndModify `fields`.
      { returnDocument: 'after' },
    );
    if (session === null) throw new EchoError('not_found', `Session ${sessionId} not found`);
    return session.lastSeq;
  }

  /**
   * When a concurrent append with the same clientMsgId won the race, its message is the answer and the
   * seq this call reserved is handed back if no later append has taken one since (else it stays a gap).
   * Returns null when the duplicate key was the seq, not the clientMsgId.
   */
  async #settleDuplicate(lost: MessageDocument, clientMsgId: string): Promise<AppendResult | null> {
    const winner = await this.#findByClientMsgId(lost.sessionId, clientMsgId);
    if (winner === null) return null;
    await this.#collections.sessions.updateOne(
      { _id: lost.sessionId, lastSeq: lost.seq },
      { $inc: { lastSeq: -1 } },
    );
    return { message: winner, created: false };
  }

  async #findByClientMsgId(sessionId: string, clientMsgId: string): Promise<Message | null> {
    const document = await this.#collections.messages.findOne({ sessionId, clientMsgId });
    return document === null ? null : toMessage(document);
  }

  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>> {
    return guard('listMessages', async () => {
      const limit = clampLimit(query.limit);
      const documents = await this.#collections.messages
        .find({ sessionId, seq: { $gt: query.afterSeq } })
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      return toPage(documents, limit, toMessage, (document) => String(document.seq));
    });
  }

  recentMessages(sessionId: string, limit: number): Promise<Message[]> {
    return guard('recentMessages', async () => {
      const documents = await this.#collections.messages
        .find({ sessionId })
        .sort({ seq: -1 })
        .limit(clampLimit(limit))
        .toArray();
      return documents.reverse().map(toMessage);
    });
  }

  saveRecommendation(input: NewRecommendation): Promise<Recommendation> {
    return guard('saveRecommendation', async () => {
      const { id, ...fields } = input;
      const document = {
        ...fields,
        _id: id ?? newId(),
        createdAt: nowIso(),
        expiresAt: new Date(toIsoTime(input.expiresAt, 'expiresAt')),
      };
      await this.#collections.recommendations.insertOne(document);
      return toRecommendation(document);
    });
  }

  /** An expired recommendation reads as absent even before the TTL monitor or a sweep removes it. */
  getRecommendation(id: string): Promise<Recommendation | null> {
    return guard('getRecommendation', async () => {
      const document = await this.#collections.recommendations.findOne({
        _id: id,
        expiresAt: { $gt: new Date() },
      });
      return document === null ? null : toRecommendation(document);
    });
  }

  listRecommendedTrackIds(sessionId: string): Promise<string[]> {
    return guard('listRecommendedTrackIds', async () => {
      const documents = await this.#collections.recommendations
        .find({ sessionId, expiresAt: { $gt: new Date() } }, { projection: { tracks: 1 } })
        .sort({ createdAt: 1, _id: 1 })
        .toArray();
      return [...new Set(documents.flatMap((document) => document.tracks.map((item) => item.trackId)))];
    });
  }

  sweepExpired(now: Date = new Date()): Promise<number> {
    return guard('sweepExpired', async () => {
      const result = await this.#collections.recommendations.deleteMany({ expiresAt: { $lte: now } });
      return result.deletedCount;
    });
  }

  addFeedback(input: NewFeedback): Promise<Feedback> {
    return guard('addFeedback', async () => {
      const document: FeedbackDocument = { ...input, _id: newId(), createdAt: nowIso() };
      await this.#collections.feedback.insertOne(document);
      return fromDocument(document);
    });
  }

  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Promise<Page<Feedback>> {
    return guard('listFeedback', async () => {
      const limit = clampLimit(page.limit);
      const query: Filter<FeedbackDocument> = {};
      if (filter.userId !== undefined) query.userId = filter.userId;
      if (filter.sessionId !== undefined) query.sessionId = filter.sessionId;
      if (page.cursor !== undefined) {
        const [createdAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
        query.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
      }
      const documents = await this.#collections.feedback
        .find(query)
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .toArray();
      return toPage(documents, limit, fromDocument, (document) =>
        encodeCursor([document.createdAt, document._id]),
      );
    });
  }

  upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }> {
    return guard('upsertTracks', async () => {
      if (tracks.length === 0) return { inserted: 0, updated: 0 };
      const operations = tracks.map((track) => {
        const { id, ...fields } = track;
        return {
          replaceOne: {
            filter: { _id: id },
            replacement: { ...fields, searchText: searchTextOf(track) },
            upsert: true,
          },
        };
      });
      const result = await this.#collections.tracks.bulkWrite(operations, { ordered: true });
      return { inserted: result.upsertedCount, updated: tracks.length - result.upsertedCount };
    });
  }

  /** Tracks in the order of `ids`; unknown ids are left out. */
  getTracks(ids: string[]): Promise<CatalogTrack[]> {
    return guard('getTracks', async () => {
      if (ids.length === 0) return [];
      const documents = await this.#collections.tracks.find({ _id: { $in: ids } }).toArray();
      const found = new Map(documents.map((document) => [document._id, toTrack(document)]));
      return ids.flatMap((id) => found.get(id) ?? []);
    });
  }

  listTracks(page: PageRequest): Promise<Page<CatalogTrack>> {
    return guard('listTracks', async () => {
      const limit = clampLimit(page.limit);
      const filter =
        page.cursor === undefined ? {} : { _id: { $gt: decodeCursor(page.cursor, ['string'] as const)[0] } };
      const documents = await this.#collections.tracks
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit + 1)
        .toArray();
      return toPage(documents, limit, toTrack, (document) => encodeCursor([document._id]));
    });
  }

  countTracks(): Promise<number> {
    return guard('countTracks', () => this.#collections.tracks.countDocuments());
  }

  /** Every word must occur in the name or artists; most popular first. */
  searchTracks(text: string, limit: number): Promise<CatalogTrack[]> {
    return guard('searchTracks', async () => {
      const words = searchWords(text);
      if (words.length === 0) return [];
      // Unanchored regexes on the lower-cased searchText field: portable (no text index, which FerretDB
      // lacks), and exact substring semantics identical to the SQLite adapter.
      const documents = await this.#collections.tracks
        .find({ $and: words.map((word) => ({ searchText: { $regex: escapeRegex(word) } })) })
        .sort({ popularity: -1, _id: 1 })
        .limit(clampLimit(limit))
        .toArray();
      return documents.map(toTrack);
    });
  }

  addListeningHistory(events: ListeningEvent[]): Promise<{ inserted: number; duplicates: number }> {
    return guard('addListeningHistory', async () => {
      if (events.length === 0) return { inserted: 0, duplicates: 0 };
      const documents: HistoryDocument[] = events.map((event) => ({
        ...event,
        _id: newId(),
        playedAt: toIsoTime(event.playedAt, 'playedAt'),
      }));
      const inserted = await this.#insertIgnoringDuplicates(documents);
      return { inserted, duplicates: events.length - inserted };
    });
  }

  /** Unordered insert: every new play goes in, and the unique index rejects the ones already stored. */
  async #insertIgnoringDuplicates(documents: HistoryDocument[]): Promise<number> {
    try {
      return (await this.#collections.history.insertMany(documents, { ordered: false })).insertedCount;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((writeError) => writeError.code !== duplicateKeyCode)) throw error;
      return error.insertedCount;
    }
  }

  listListeningHistory(filter: { userId?: string }, page: PageRequest): Promise<Page<ListeningEvent>> {
    return guard('listListeningHistory', async () => {
      const limit = clampLimit(page.limit);
      const query: Filter<HistoryDocument> = {};
      if (filter.userId !== undefined) query.userId = filter.userId;
      if (page.cursor !== undefined) {
        const [playedAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
        query.$or = [{ playedAt: { $lt: playedAt } }, { playedAt, _id: { $lt: id } }];
      }
      const documents = await this.#collections.history
        .find(query)
        .sort({ playedAt: -1, _id: -1 })
        .limit(limit + 1)
        .toArray();
      return toPage(documents, limit, toListeningEvent, (document) =>
        encodeCursor([document.playedAt, document._id]),
      );
    });
  }

  createImportJob(input: NewImportJob): Promise<ImportJob> {
    return guard('createImportJob', async () => {
      const now = nowIso();
      const document = {
        _id: newId(),
        userId: input.userId,
        kind: input.kind,
        status: 'pending' as const,
        source: input.source,
        total: input.total ?? null,
        processed: 0,
        imported: 0,
        merged: 0,
        rejected: 0,
        errors: [],
        createdAt: now,
        updatedAt: now,
      };
      await this.#collections.importJobs.insertOne(document);
      return fromDocument(document);
    });
  }

  updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob> {
    return guard('updateImportJob', async () => {
      const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const document = await this.#collections.importJobs.findOneAndUpdate(
        { _id: id },
        { $set: { ...fields, updatedAt: nowIso() } },
        { returnDocument: 'after' },
      );
      if (document === null) throw new EchoError('not_found', `Import job ${id} not found`);
      return fromDocument(document);
    });
  }

  getImportJob(id: string): Promise<ImportJob | null> {
    return guard('getImportJob', async () => {
      const document = await this.#collections.importJobs.findOne({ _id: id });
      return document === null ? null : fromDocument(document);
    });
  }

  recordUsage(input: NewUsageRecord): Promise<void> {
    return guard('recordUsage', async () => {
      const createdAt = input.createdAt === undefined ? nowIso() : toIsoTime(input.createdAt, 'createdAt');
      await this.#collections.usage.insertOne({ ...input, _id: newId(), createdAt });
    });
  }

  sumUsageCost(userId: string, since: Date): Promise<number> {
    return guard('sumUsageCost', async () => {
      const [row] = await this.#collections.usage
        .aggregate<{ total: number }>([
          { $match: { userId, createdAt: { $gte: since.toISOString() } } },
          { $group: { _id: null, total: { $sum: '$costUsd' } } },
        ])
        .toArray();
      return row?.total ?? 0;
    });
  }
}
