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
} from './records.js';

/**
 * Everything EchoTune persists. Two adapters implement it (sqlite/, mongo/) and one contract suite
 * (test/store/store-contract.ts) proves they behave the same. Pagination is by cursor, never offset.
 * A failing backend surfaces as EchoError('unavailable', retryable) so callers can answer clients.
 */
export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  /** Creates tables/collections and indexes and applies pending migrations; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  ping(): Promise<void>;

  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User>;
  getUser(id: string): Promise<User | null>;

  createSession(input: { userId: string; title: string }): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  /** The user's sessions, most recently updated first. */
  listSessions(userId: string, page: PageRequest): Promise<Page<Session>>;

  /**
   * Appends with the next per-session seq, atomically. Idempotent on (sessionId, clientMsgId): a repeat
   * returns the stored message with created=false. Concurrent appends get distinct consecutive seqs.
   * Bumps the session's updatedAt and lastSeq.
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** Messages with seq > afterSeq in ascending seq order; nextCursor is the last seq as a string. */
  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>>;
  /** The last `limit` messages in ascending seq order (for building model context). */
  recentMessages(sessionId: string, limit: number): Promise<Message[]>;

  saveRecommendation(input: NewRecommendation): Promise<Recommendation>;
  getRecommendation(id: string): Promise<Recommendation | null>;
  /** Every track id recommended in the session and not yet expired. */
  listRecommendedTrackIds(sessionId: string): Promise<string[]>;
  /** Deletes recommendations whose expiresAt is past; returns how many. (MongoDB also has a TTL index.) */
  sweepExpired(now?: Date): Promise<number>;

  addFeedback(input: NewFeedback): Promise<Feedback>;
  /** Newest first. Without userId: every listener's feedback (for co-occurrence). */
  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Promise<Page<Feedback>>;

  /** Inserts or replaces by track id. */
  upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }>;
  getTracks(ids: string[]): Promise<CatalogTrack[]>;
  /** All tracks in id order. */
  listTracks(page: PageRequest): Promise<Page<CatalogTrack>>;
  countTracks(): Promise<number>;
  /** Case-insensitive text lookup on name and artists. */
  searchTracks(text: string, limit: number): Promise<CatalogTrack[]>;

  /** Unique on (userId, playedAt, trackName, artistName): re-imports add nothing. */
  addListeningHistory(events: ListeningEvent[]): Promise<{ inserted: number; duplicates: number }>;
  /** Newest first. Without userId: every listener's history. */
  listListeningHistory(filter: { userId?: string }, page: PageRequest): Promise<Page<ListeningEvent>>;

  createImportJob(input: NewImportJob): Promise<ImportJob>;
  updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob>;
  getImportJob(id: string): Promise<ImportJob | null>;

  recordUsage(input: NewUsageRecord): Promise<void>;
  /** Sum of costUsd for the user's usage since the given time. */
  sumUsageCost(userId: string, since: Date): Promise<number>;
}
