import type { ErrorPayload, RecommendedTrack, TrackOpinion } from '../../../src/protocol/index.js';

/** Where a message the listener typed stands; every state is shown on its bubble. */
export type Delivery =
  | { kind: 'sending' }
  /** Offline: sent once the connection is back. */
  | { kind: 'waiting' }
  /** Refused for now (rate limit, or too many turns queued); sent again at `retryAt`. */
  | { kind: 'retrying'; retryAt: number; reason: 'rate_limited' | 'busy' }
  /** Stored; its reply waits for the running turn. */
  | { kind: 'queued' }
  /** Stored, and its reply has started (nothing more to show). */
  | { kind: 'delivered' }
  /** Refused for good (e.g. the daily budget is spent): shown with Retry. */
  | { kind: 'failed'; message: string };

export interface UserEntry {
  kind: 'user';
  /** Stable across the entry's life: the clientMsgId, or the message id for messages typed elsewhere. */
  key: string;
  clientMsgId: string | null;
  messageId: string | null;
  seq: number | null;
  text: string;
  delivery: Delivery;
}

export type ReplyStatus = 'thinking' | 'streaming' | 'done' | 'stopped' | 'failed';

export interface ReplyDetails {
  provider: string;
  model: string;
  costUsd: number;
  ttftMs: number | null;
  totalMs: number;
}

export interface CardSet {
  recommendationId: string;
  tracks: RecommendedTrack[];
  opinions: Record<string, TrackOpinion>;
}

export interface ReplyEntry {
  kind: 'reply';
  key: string;
  turnId: string;
  /** The user message this reply answers, when known. */
  replyTo: string | null;
  seq: number | null;
  text: string;
  status: ReplyStatus;
  error: ErrorPayload | null;
  details: ReplyDetails | null;
  cards: CardSet[];
  /** Deltas were missed (a reconnect): the text so far is incomplete until the stored reply arrives. */
  gap: boolean;
}

export type Entry = UserEntry | ReplyEntry;

export function isRunning(reply: ReplyEntry): boolean {
  return reply.status === 'thinking' || reply.status === 'streaming';
}
