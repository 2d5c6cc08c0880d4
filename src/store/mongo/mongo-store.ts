import type { Db, MongoClient } from 'mongodb';
import type { Logger } from '../../logger.js';
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
import type { Store } from '../store.js';
import { guard } from '../store-failure.js';
import { MongoCatalog } from './mongo-catalog.js';
import { collectionsOf } from './mongo-collections.js';
import { MongoConversations } from './mongo-conversations.js';
import { MongoJobs } from './mongo-jobs.js';
import { applyMongoMigrations } from './mongo-migrations.js';
import { MongoRecommendations } from './mongo-recommendations.js';
import { detectServerTraits } from './mongo-server-traits.js';

/**
 * The production adapter: wires the per-area parts together and turns every backend failure into
 * EchoError('unavailable') via guard(). Official driver and standard operations only (no transactions),
 * so it also runs on FerretDB; see docs/store.md for what FerretDB lacks.
 */
export class MongoStore implements Store {
  readonly kind = 'mongo' as const;
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #logger: Logger | undefined;
  readonly #conversations: MongoConversations;
  readonly #recommendations: MongoRecommendations;
  readonly #catalog: MongoCatalog;
  readonly #jobs: MongoJobs;

  constructor(options: { client: MongoClient; db: Db; logger?: Logger | undefined }) {
    this.#client = options.client;
    this.#db = options.db;
    this.#logger = options.logger;
    const collections = collectionsOf(options.db);
    this.#conversations = new MongoConversations(collections);
    this.#recommendations = new MongoRecommendations(collections);
    this.#catalog = new MongoCatalog(collections);
    this.#jobs = new MongoJobs(collections);
  }

  init(): Promise<void> {
    return guard('init', async () => {
      await applyMongoMigrations(this.#db, { logger: this.#logger });
      const traits = await detectServerTraits(this.#db);
      if (!traits.atomicFindAndModify) {
        this.#logger?.warn(
          'server runs findAndModify non-atomically (FerretDB); message appends verify each seq',
        );
      }
      this.#conversations.useServerTraits(traits);
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

  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User> {
    return guard('createUser', () => this.#conversations.createUser(input));
  }

  getUser(id: string): Promise<User | null> {
    return guard('getUser', () => this.#conversations.getUser(id));
  }

  createSession(input: { userId: string; title: string }): Promise<Session> {
    return guard('createSession', () => this.#conversations.createSession(input));
  }

  getSession(id: string): Promise<Session | null> {
    return guard('getSession', () => this.#conversations.getSession(id));
  }

  listSessions(userId: string, page: PageRequest): Promise<Page<Session>> {
    return guard('listSessions', () => this.#conversations.listSessions(userId, page));
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return guard('appendMessage', () => this.#conversations.appendMessage(input));
  }

  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>> {
    return guard('listMessages', () => this.#conversations.listMessages(sessionId, query));
  }

  recentMessages(sessionId: string, limit: number): Promise<Message[]> {
    return guard('recentMessages', () => this.#conversations.recentMessages(sessionId, limit));
  }

  saveRecommendation(input: NewRecommendation): Promise<Recommendation> {
    return guard('saveRecommendation', () => this.#recommendations.saveRecommendation(input));
  }

  getRecommendation(id: string): Promise<Recommendation | null> {
    return guard('getRecommendation', () => this.#recommendations.getRecommendation(id));
  }

  listRecommendedTrackIds(sessionId: string): Promise<string[]> {
    return guard('listRecommendedTrackIds', () => this.#recommendations.listRecommendedTrackIds(sessionId));
  }

  sweepExpired(now: Date = new Date()): Promise<number> {
    return guard('sweepExpired', () => this.#recommendations.sweepExpired(now));
  }

  addFeedback(input: NewFeedback): Promise<Feedback> {
    return guard('addFeedback', () => this.#recommendations.addFeedback(input));
  }

  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Promise<Page<Feedback>> {
    return guard('listFeedback', () => this.#recommendations.listFeedback(filter, page));
  }

  upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }> {
    return guard('upsertTracks', () => this.#catalog.upsertTracks(tracks));
  }

  getTracks(ids: string[]): Promise<CatalogTrack[]> {
    return guard('getTracks', () => this.#catalog.getTracks(ids));
  }

  listTracks(page: PageRequest): Promise<Page<CatalogTrack>> {
    return guard('listTracks', () => this.#catalog.listTracks(page));
  }

  countTracks(): Promise<number> {
    return guard('countTracks', () => this.#catalog.countTracks());
  }

  searchTracks(text: string, limit: number): Promise<CatalogTrack[]> {
    return guard('searchTracks', () => this.#catalog.searchTracks(text, limit));
  }

  addListeningHistory(events: ListeningEvent[]): Promise<{ inserted: number; duplicates: number }> {
    return guard('addListeningHistory', () => this.#catalog.addListeningHistory(events));
  }

  listListeningHistory(filter: { userId?: string }, page: PageRequest): Promise<Page<ListeningEvent>> {
    return guard('listListeningHistory', () => this.#catalog.listListeningHistory(filter, page));
  }

  createImportJob(input: NewImportJob): Promise<ImportJob> {
    return guard('createImportJob', () => this.#jobs.createImportJob(input));
  }

  updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob> {
    return guard('updateImportJob', () => this.#jobs.updateImportJob(id, patch));
  }

  getImportJob(id: string): Promise<ImportJob | null> {
    return guard('getImportJob', () => this.#jobs.getImportJob(id));
  }

  recordUsage(input: NewUsageRecord): Promise<void> {
    return guard('recordUsage', () => this.#jobs.recordUsage(input));
  }

  sumUsageCost(userId: string, since: Date): Promise<number> {
    return guard('sumUsageCost', () => this.#jobs.sumUsageCost(userId, since));
  }
}
