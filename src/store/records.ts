import type { AssistantMeta, FeedbackSignal, Message } from '../protocol/index.js';

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

/** One play from a listening history (Spotify export or recently-played). */
export interface ListeningEvent {
  userId: string;
  /** Catalog id when the play was resolved to a catalog track. */
  trackId: string | null;
  trackName: string;
  artistName: string;
  playedAt: string;
  msPlayed: number;
  source: string;
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
  createdAt: string;
  updatedAt: string;
}
export type NewImportJob = Pick<ImportJob, 'userId' | 'kind' | 'source'> & { total?: number | null };
export type ImportJobPatch = Partial<
  Pick<ImportJob, 'status' | 'total' | 'processed' | 'imported' | 'merged' | 'rejected' | 'errors'>
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
