import type { AssistantMeta, FeedbackSignal, HistoryImportReport, Message } from '../protocol/index.js';

export type { CatalogTrack, Message, Page, Session, SiteKey } from '../protocol/index.js';

export interface User {
  id: string;
  kind: 'guest' | 'spotify';
  displayName: string | null;
  createdAt: string;
}

export interface NewMessage {
  sessionId: string;
  role: Message['role'];
  text: string;
  /** Present for user messages: the idempotency key chosen by the client. */
  clientMsgId?: string | null;
  meta?: AssistantMeta | null;
}

export interface AppendResult {
  message: Message;
  /** False when the clientMsgId was seen before and the stored message is returned unchanged. */
  created: boolean;
}

export interface RecommendationItem {
  trackId: string;
  score: number;
  reasons: string[];
}

export interface Recommendation {
  id: string;
  sessionId: string;
  userId: string;
  turnId: string;
  query: Record<string, unknown>;
  tracks: RecommendationItem[];
  createdAt: string;
  expiresAt: string;
}
export type NewRecommendation = Omit<Recommendation, 'id' | 'createdAt'> & { id?: string };

export interface Feedback {
  id: string;
  userId: string;
  sessionId: string;
  recommendationId: string;
  trackId: string;
  signal: FeedbackSignal;
  createdAt: string;
}
export type NewFeedback = Omit<Feedback, 'id' | 'createdAt'>;

/**
 * What one play says about the listener's taste (src/listening/export/listening-signal.ts decides):
 * played to the end after a minute, skipped, possibly skipped (a short play with no skip information),
 * or nothing either way.
 */
export type PlaySignal = 'positive' | 'neutral' | 'skip' | 'weak-skip';

/** One play from a listening history (Spotify export or recently played). */
export interface ListeningEvent {
  userId: string;
  /** Catalog id when the play was resolved to a catalog track. */
  trackId: string | null;
  trackName: string;
  artistName: string;
  albumName: string | null;
  /** When the play ended. */
  playedAt: string;
  msPlayed: number;
  /** Where the play came from: `account`, `extended` (the two export kinds), `recently-played`. */
  source: string;
  signal: PlaySignal;
  /** Played in a private session: it counts in the listener's stats, never in their taste. */
  incognito: boolean;
  /** The catalog track's first genre, kept with the play so stats group by it without a join. */
  genre: string | null;
}

/** A play to store; what it leaves out is null, `neutral` and not incognito. */
export type NewListeningEvent = Pick<
  ListeningEvent,
  'userId' | 'trackId' | 'trackName' | 'artistName' | 'playedAt' | 'msPlayed' | 'source'
> &
  Partial<Pick<ListeningEvent, 'albumName' | 'signal' | 'incognito' | 'genre'>>;

/** Which plays the stats cover: one listener's, from `from` (inclusive) to `to` (exclusive). */
export interface ListeningStatsQuery {
  userId: string;
  from?: string;
  to?: string;
  /** How many rows each top list holds (default 10, at most 100). */
  top?: number;
}

export interface PlayTotals {
  plays: number;
  msPlayed: number;
  /** Plays flagged skipped, or shorter than 30 s with no skip information (signal skip or weak-skip). */
  skips: number;
}

/** One listener's listening over a period, aggregated by the store. */
export interface ListeningStats extends PlayTotals {
  /** Plays resolved to a catalog track (only those have a genre). */
  matchedPlays: number;
  firstPlayedAt: string | null;
  lastPlayedAt: string | null;
  /** Most played first (ties: more time, then name). */
  topTracks: Array<PlayTotals & { trackName: string; artistName: string; trackId: string | null }>;
  topArtists: Array<PlayTotals & { artistName: string }>;
  /** Most skipped first; artists never skipped are left out. */
  mostSkippedArtists: Array<PlayTotals & { artistName: string }>;
  topGenres: Array<PlayTotals & { genre: string }>;
  /** 168 counts of plays: index = UTC weekday (0 = Sunday) × 24 + UTC hour. */
  playsByHourOfWeek: number[];
}

/** What shapes a listener's taste: their plays outside private sessions, grouped by track. */
export interface TasteTrack {
  trackId: string | null;
  trackName: string;
  artistName: string;
  plays: number;
  /** Plays with signal skip (definite skips only: a short play may be a session that ended). */
  skips: number;
  positives: number;
}

export interface ImportJob {
  id: string;
  userId: string | null;
  kind: 'catalog' | 'history';
  status: 'pending' | 'running' | 'done' | 'failed';
  source: string;
  total: number | null;
  processed: number;
  imported: number;
  merged: number;
  rejected: number;
  /** A bounded sample of rejection reasons ("row 12: energy: expected number"). */
  errors: string[];
  /** A history import's running count; null for catalog imports. */
  report: HistoryImportReport | null;
  createdAt: string;
  updatedAt: string;
}
export type NewImportJob = Pick<ImportJob, 'userId' | 'kind' | 'source'> & { total?: number | null };
export type ImportJobPatch = Partial<
  Pick<ImportJob, 'status' | 'total' | 'processed' | 'imported' | 'merged' | 'rejected' | 'errors' | 'report'>
>;

/** Tokens and cost of one upstream attempt. */
export interface UsageRecord {
  id: string;
  userId: string;
  sessionId: string;
  turnId: string;
  deploymentId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** True when the tokens are (partly) an estimate: the provider never reported its own counts. */
  estimated?: boolean;
  createdAt: string;
}
export type NewUsageRecord = Omit<UsageRecord, 'id' | 'createdAt'> & { createdAt?: string };

export interface PageRequest {
  cursor?: string | undefined;
  limit: number;
}

/**
 * A turn still running, as far as it got: saved at intervals by the instance running it, so that another
 * instance (or this one after a restart) can finish it when that instance is gone.
 */
export interface TurnProgress {
  turnId: string;
  sessionId: string;
  userId: string;
  /** The user message the turn answers. */
  replyTo: string;
  text: string;
  recommendationIds: string[];
  updatedAt: string;
}
export type NewTurnProgress = Omit<TurnProgress, 'updatedAt'>;

/** What creating a site key takes; origins are normalized (and checked) on the way in. */
export interface NewSiteKey {
  name: string;
  origins: string[];
}

/**
 * A listener's link to their Spotify account. The tokens are the token cipher's ciphertext: the store never
 * holds them in the clear, and it neither encrypts nor decrypts.
 */
export interface SpotifyAccount {
  userId: string;
  spotifyUserId: string;
  displayName: string | null;
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, in milliseconds since the epoch. */
  expiresAt: number;
  scope: string;
  /** The recently-played cursor (milliseconds since the epoch) the next sync starts after; null before the first. */
  lastSyncAfter: number | null;
  /** When the last sync started (it claims the listener by setting this); null before the first. */
  lastSyncAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export type SpotifyTokenFields = Pick<SpotifyAccount, 'accessToken' | 'refreshToken' | 'expiresAt' | 'scope'>;
export type NewSpotifyAccount = Pick<SpotifyAccount, 'userId' | 'spotifyUserId' | 'displayName'> &
  SpotifyTokenFields;

/** A Spotify sign-in started and not yet finished (src/spotify's PendingSignIn, as stored). */
export interface PendingSignInRecord {
  state: string;
  userId: string;
  verifier: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** What mergeUsers moved from one listener to the other. */
export interface UserMergeReport {
  sessions: number;
  feedback: number;
  /** Plays moved; plays the other listener already had (same time, track and artist) are dropped. */
  plays: number;
  duplicatePlays: number;
  usage: number;
  importJobs: number;
}
