import type { Filter } from 'mongodb';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  Feedback,
  NewFeedback,
  NewRecommendation,
  Page,
  PageRequest,
  Recommendation,
} from '../records.js';
import type { RecommendationStore } from '../store.js';
import { nowIso, toIsoTime } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type FeedbackDocument, fromDocument, toRecommendation } from './mongo-documents.js';

/** Recommendations (with expiry) and the feedback listeners give on them. */
export class MongoRecommendations implements RecommendationStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async saveRecommendation(input: NewRecommendation): Promise<Recommendation> {
    const { id, ...fields } = input;
    const document = {
      ...fields,
      _id: id ?? newId(),
      createdAt: nowIso(),
      expiresAt: new Date(toIsoTime(input.expiresAt, 'expiresAt')),
    };
    await this.#collections.recommendations.insertOne(document);
    return toRecommendation(document);
  }

  /** An expired recommendation reads as absent even before the TTL monitor or a sweep removes it. */
  async getRecommendation(id: string): Promise<Recommendation | null> {
    const document = await this.#collections.recommendations.findOne({
      _id: id,
      expiresAt: { $gt: new Date() },
    });
    return document === null ? null : toRecommendation(document);
  }

  async listRecommendedTrackIds(sessionId: string): Promise<string[]> {
    const documents = await this.#collections.recommendations
      .find({ sessionId, expiresAt: { $gt: new Date() } }, { projection: { tracks: 1 } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return [...new Set(documents.flatMap((document) => document.tracks.map((item) => item.trackId)))];
  }

  async sweepExpired(now: Date = new Date()): Promise<number> {
    const result = await this.#collections.recommendations.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }

  async addFeedback(input: NewFeedback): Promise<Feedback> {
    const document: FeedbackDocument = { ...input, _id: newId(), createdAt: nowIso() };
    await this.#collections.feedback.insertOne(document);
    return fromDocument(document);
  }

  async listFeedback(
    filter: { userId?: string; sessionId?: string },
    page: PageRequest,
  ): Promise<Page<Feedback>> {
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
  }
}
