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
import { SqliteCatalog } from './sqlite-catalog.js';
import { SqliteConversations } from './sqlite-conversations.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteJobs } from './sqlite-jobs.js';
import { applySqliteMigrations } from './sqlite-migrations.js';
import { SqliteRecommendations } from './sqlite-recommendations.js';
import { SqliteStatements } from './sqlite-statements.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * The embedded adapter: wires the per-area parts together and turns every backend failure into
 * EchoError('unavailable') via guard(). better-sqlite3 is synchronous, so each call runs to completion
 * before another starts in this process; immediate transactions cover other processes.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly #statements: SqliteStatements;
  readonly #conversations: SqliteConversations;
  readonly #recommendations: SqliteRecommendations;
  readonly #catalog: SqliteCatalog;
  readonly #jobs: SqliteJobs;
  #checkpointer: WalCheckpointer | null = null;

  constructor(options: { path: string }) {
    this.#statements = new SqliteStatements(openSqliteDatabase(options.path));
    this.#conversations = new SqliteConversations(this.#statements);
    this.#recommendations = new SqliteRecommendations(this.#statements);
    this.#catalog = new SqliteCatalog(this.#statements);
    this.#jobs = new SqliteJobs(this.#statements);
  }

  init(): Promise<void> {
    return guard('init', () => {
      applySqliteMigrations(this.#statements.database);
      if (!this.#statements.database.memory && this.#checkpointer === null) {
        this.#checkpointer = new WalCheckpointer(this.#statements.database);
      }
    });
  }

  /** The WAL checkpointing thread of a file database (null in memory), for tests. */
  get checkpointer(): WalCheckpointer | null {
    return this.#checkpointer;
  }

  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    this.#checkpointer = null;
    if (this.#statements.database.open) this.#statements.database.close();
  }

  ping(): Promise<void> {
    return guard('ping', () => {
      this.#statements.get('SELECT 1');
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
