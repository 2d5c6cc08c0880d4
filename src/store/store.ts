import type {
  AppendResult,
  CatalogTrack,
  Feedback,
  ImportJob,
  ImportJobPatch,
  ListeningEvent,
  ListeningStats,
  ListeningStatsQuery,
  Message,
  NewFeedback,
  NewImportJob,
  NewListeningEvent,
  NewMessage,
  NewRecommendation,
  NewSiteKey,
  NewSpotifyAccount,
  NewTurnProgress,
  NewUsageRecord,
  Page,
  PageRequest,
  PendingSignInRecord,
  Recommendation,
  Session,
  SiteKey,
  SpotifyAccount,
  SpotifyTokenFields,
  TasteTrack,
  TurnProgress,
  User,
  UserMergeReport,
} from './records.js';

/**
 * What EchoTune persists, split by role so each caller depends on the part it uses. Two adapters
 * implement every role (sqlite/, mongo/), one per-area part per role, and one contract suite
 * (test/store/store-contract.ts) proves they behave the same. Pagination is by cursor, never offset.
 * A failing backend surfaces as EchoError('unavailable', retryable) so callers can answer clients.
 */

/** Listeners, their sessions and the messages of each: the conversation itself. */
export interface ConversationStore {
  /** Idempotent on id: creating a user that exists returns the stored user unchanged. */
  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): Promise<User>;

  createSession(input: { userId: string; title: string }): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  /** The user's sessions, most recently updated first. */
  listSessions(userId: string, page: PageRequest): Promise<Page<Session>>;
  /**
   * Sets the title and returns the session; null when there is no such session or, given `expected`,
   * when its title is no longer `expected.title` (so an automatic title never overwrites a rename).
   * updatedAt stays as it is: it is the last activity, which orders the list, and a new name is not
   * activity, so renaming never moves a session to the top.
   */
  renameSession(id: string, title: string, expected?: { title: string }): Promise<Session | null>;
  /**
   * Removes the session, its messages, its recommendations and its turn progress; false when there was
   * no such session (rows an interrupted delete left behind are removed all the same). Feedback stays:
   * it is the listener's taste (likes, dislikes, plays), which outlives the conversation it came from.
   */
  deleteSession(id: string): Promise<boolean>;

  /**
   * Appends with the next per-session seq, atomically. Idempotent on (sessionId, clientMsgId): a repeat
   * returns the stored message with created=false. Concurrent appends get distinct consecutive seqs.
   * Bumps the session's updatedAt and lastSeq.
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** The message a client sent with this clientMsgId, if it was stored (a resend of an acknowledged one). */
  findMessageByClientMsgId(sessionId: string, clientMsgId: string): Promise<Message | null>;
  /** Messages with seq > afterSeq in ascending seq order; nextCursor is the last seq as a string. */
  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Promise<Page<Message>>;
  /** The last `limit` messages in ascending seq order (for building model context). */
  recentMessages(sessionId: string, limit: number): Promise<Message[]>;

  /**
   * Moves everything `fromUserId` owns to `intoUserId` and removes the first listener: sessions (with their
   * recommendations and turn progress), feedback, listening history (plays the second already has are
   * dropped), usage and import jobs. A guest who signs in to an account that exists keeps their sessions
   * and taste. The first listener's Spotify link moves too when the second has none, else it is dropped.
   * Safe to call again after an interruption; merging a listener into itself changes nothing.
   */
  mergeUsers(fromUserId: string, intoUserId: string): Promise<UserMergeReport>;
}

/** Recommendation sets (which expire) and the feedback listeners give on them. */
export interface RecommendationStore {
  saveRecommendation(input: NewRecommendation): Promise<Recommendation>;
  getRecommendation(id: string): Promise<Recommendation | null>;
  /** Every track id recommended in the session and not yet expired. */
  listRecommendedTrackIds(sessionId: string): Promise<string[]>;
  /** Deletes recommendations whose expiresAt is past; returns how many. (MongoDB also has a TTL index.) */
  sweepExpired(now?: Date): Promise<number>;

  addFeedback(input: NewFeedback): Promise<Feedback>;
  /** Newest first. Without userId: every listener's feedback (for co-occurrence). */
  listFeedback(filter: { userId?: string; sessionId?: string }, page: PageRequest): Promise<Page<Feedback>>;
}

/** The tracks the engine recommends from. */
export interface CatalogStore {
  /** Inserts or replaces by track id. */
  upsertTracks(tracks: CatalogTrack[]): Promise<{ inserted: number; updated: number }>;
  getTracks(ids: string[]): Promise<CatalogTrack[]>;
  /** All tracks in id order. */
  listTracks(page: PageRequest): Promise<Page<CatalogTrack>>;
  countTracks(): Promise<number>;
}

/** What listeners played (history imports, recently played). */
export interface ListeningStore {
  /**
   * Unique on (userId, playedAt, trackName, artistName): re-imports add nothing. Invalid times fail
   * as EchoError('invalid') and add nothing of the batch.
   */
  addListeningHistory(events: NewListeningEvent[]): Promise<{ inserted: number; duplicates: number }>;
  /**
   * Newest first. Without userId: every listener's history. `from` (inclusive) and `to` (exclusive) bound
   * playedAt, e.g. to read the plays around a few recent ones.
   */
  listListeningHistory(
    filter: { userId?: string; from?: string; to?: string },
    page: PageRequest,
  ): Promise<Page<ListeningEvent>>;
  /** Totals, top lists and plays by hour of week, from the (userId, playedAt) index's range. */
  listeningStats(query: ListeningStatsQuery): Promise<ListeningStats>;
  /** The listener's most played tracks outside private sessions, most plays first, at most `limit`. */
  listeningTaste(userId: string, limit: number): Promise<TasteTrack[]>;
}

/** Long-running imports and their progress. */
export interface JobStore {
  createImportJob(input: NewImportJob): Promise<ImportJob>;
  updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob>;
  getImportJob(id: string): Promise<ImportJob | null>;
}

/** Tokens and cost of every upstream model call, for budgets. */
export interface UsageStore {
  recordUsage(input: NewUsageRecord): Promise<void>;
  /** Sum of costUsd for the user's usage since the given time. */
  sumUsageCost(userId: string, since: Date): Promise<number>;
}

/** Running turns' progress, for finishing a turn whose instance is gone. */
export interface TurnProgressStore {
  /** Inserts or replaces by turnId, stamping updatedAt. */
  saveTurnProgress(progress: NewTurnProgress): Promise<void>;
  deleteTurnProgress(turnId: string): Promise<void>;
  /** Every saved progress, oldest first (a running instance has few). */
  listTurnProgress(limit: number): Promise<TurnProgress[]>;
}

/** The embeddable widget's site keys and the origins each allows. An admin creates few of them. */
export interface SiteKeyStore {
  /** A new key `pk_<random>`; invalid names or origins fail as EchoError('invalid') naming the field. */
  createSiteKey(input: NewSiteKey): Promise<SiteKey>;
  /** Every key, revoked ones included, newest first. */
  listSiteKeys(): Promise<SiteKey[]>;
  getSiteKey(key: string): Promise<SiteKey | null>;
  /** Marks the key revoked (a second revoke keeps the first time); null when there is no such key. */
  revokeSiteKey(key: string): Promise<SiteKey | null>;
}

/**
 * Listeners' links to their Spotify accounts: unique on userId and on spotifyUserId. Tokens arrive
 * encrypted. Sync bookkeeping is keyed by the Spotify account, whose recently played it follows.
 */
export interface SpotifyAccountStore {
  /**
   * Links the listener to the Spotify account, or refreshes their link to it (tokens, display name; the
   * sync cursor stays). Returns the stored link of that Spotify account: when another listener already
   * has it, theirs, unchanged (the caller decides whether to merge). Linking a different Spotify account
   * replaces the listener's old link and its cursor.
   */
  linkSpotifyAccount(input: NewSpotifyAccount): Promise<SpotifyAccount>;
  getSpotifyAccount(userId: string): Promise<SpotifyAccount | null>;
  findBySpotifyUser(spotifyUserId: string): Promise<SpotifyAccount | null>;
  /** New (refreshed or re-encrypted) tokens; null when the Spotify account is no longer linked. */
  updateSpotifyTokens(spotifyUserId: string, tokens: SpotifyTokenFields): Promise<SpotifyAccount | null>;
  /** Deletes the link and its tokens; false when there was none. */
  unlinkSpotifyAccount(userId: string): Promise<boolean>;
  /** Every link, in spotifyUserId order, paged: what the recently-played sync walks. */
  listLinkedForSync(limit: number, cursor?: string): Promise<Page<SpotifyAccount>>;
  /**
   * Compare-and-set of lastSyncAt: sets it to `at` only while it is still `expected`, and says whether it
   * did. Of several instances claiming the same sync, exactly one gets true.
   */
  claimSpotifySync(spotifyUserId: string, claim: { expected: string | null; at: string }): Promise<boolean>;
  /** Where the next sync starts (recently played's `after` cursor). */
  saveSpotifySyncCursor(spotifyUserId: string, lastSyncAfter: number | null): Promise<void>;
}

/** Spotify sign-ins between the redirect out and the redirect back (src/spotify's PendingSignInStore). */
export interface PendingSignInStore {
  /** Also deletes the records already past expiry, so abandoned sign-ins do not pile up. */
  savePendingSignIn(pending: PendingSignInRecord): Promise<void>;
  /**
   * Reads and deletes in one step: of two concurrent takes of one state, one gets the record and the
   * other null. Expired records are returned too; the caller checks expiresAt.
   */
  takePendingSignIn(state: string): Promise<Omit<PendingSignInRecord, 'state'> | null>;
}

/** Opening is the adapter's factory; this is what an open store does about its own life. */
export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'mongo';
  /**
   * Which database this is, the same for every process that opens it (SQLite: host and file; MongoDB:
   * hosts and database name, never credentials), so instances can tell whether they share one.
   */
  readonly location: string;
  /** Creates tables/collections and indexes and applies pending migrations; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  ping(): Promise<void>;
}

export type Store = StoreLifecycle &
  ConversationStore &
  RecommendationStore &
  CatalogStore &
  ListeningStore &
  JobStore &
  UsageStore &
  TurnProgressStore &
  SiteKeyStore &
  SpotifyAccountStore &
  PendingSignInStore;

/** The per-area parts an adapter implements, one per role; see guardStore(). */
export interface StoreParts {
  conversations: Part<ConversationStore>;
  recommendations: Part<RecommendationStore>;
  catalog: Part<CatalogStore>;
  listening: Part<ListeningStore>;
  jobs: Part<JobStore>;
  usage: Part<UsageStore>;
  turns: Part<TurnProgressStore>;
  siteKeys: Part<SiteKeyStore>;
  spotifyAccounts: Part<SpotifyAccountStore>;
  pendingSignIns: Part<PendingSignInStore>;
}

/** A role as an adapter's part implements it: as is, or answering at once (better-sqlite3 is synchronous). */
export type Part<Role> = Role | Synchronous<Role>;

export type Synchronous<Role> = {
  [Name in keyof Role]: Role[Name] extends (...args: infer Args) => Promise<infer Result>
    ? (...args: Args) => Result
    : Role[Name];
};
