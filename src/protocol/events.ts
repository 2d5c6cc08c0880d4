import { z } from 'zod';
import {
  type AssistantMeta,
  feedbackSignals,
  type Message,
  type RecommendedTrack,
  type Session,
  type Usage,
} from './entities.js';
import type { ErrorCode, ErrorPayload } from './error-codes.js';
import type { HistoryImport } from './listening.js';

export { CHAT_NAMESPACE } from './namespace.js';

/** The longest chat message the protocol carries (a server may set a lower MESSAGE_MAX_CHARS). */
export const MAX_MESSAGE_CHARS = 4000;

const id = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** Client → server payloads. Every one is validated before the gateway looks at it. */
export const clientPayloadSchemas = {
  'session:create': z.strictObject({ title: z.string().trim().min(1).max(200).optional() }),
  'session:join': z.strictObject({ sessionId: id, afterSeq: z.number().int().min(0).optional() }),
  'message:send': z.strictObject({
    sessionId: id,
    clientMsgId: id,
    text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
  }),
  'turn:cancel': z.strictObject({ sessionId: id, turnId: id }),
  feedback: z.strictObject({ recommendationId: id, trackId: id, signal: z.enum(feedbackSignals) }),
  typing: z.strictObject({ sessionId: id, on: z.boolean() }),
  /** A new token for the same listener (after `auth:expired`, or before it). */
  'auth:refresh': z.strictObject({ token: z.string().min(1, 'must not be empty').max(4096) }),
} as const;

export type ClientEventName = keyof typeof clientPayloadSchemas;
export type ClientPayload<E extends ClientEventName> = z.infer<(typeof clientPayloadSchemas)[E]>;

export interface ClientAckResults {
  'session:create': { session: Session };
  'session:join': { session: Session; messages: Message[]; recommendations: SessionRecommendation[] };
  'message:send': { messageId: string; seq: number };
  'turn:cancel': { cancelled: boolean };
  feedback: { feedbackId: string };
  typing: Record<string, never>;
  'auth:refresh': { expiresAt: string };
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ErrorPayload };
type AckCallback<E extends ClientEventName> = (response: Ack<ClientAckResults[E]>) => void;

/** The listener's standing opinion of a recommended track, as toggled on its card. */
export type TrackOpinion = 'like' | 'dislike';

/** The track cards of a past turn, so a (re)joining client can show them again. */
export interface SessionRecommendation {
  recommendationId: string;
  turnId: string;
  tracks: RecommendedTrack[];
  /** Track id → the listener's latest like or dislike of it here (absent: none, or withdrawn). */
  opinions: Record<string, TrackOpinion>;
}

/** Server → room `session:<id>` payloads. */
export interface ServerPayloads {
  'message:new': { message: Message };
  'turn:start': {
    turnId: string;
    sessionId: string;
    /** The id of the user message this turn answers. */
    replyTo: string;
    provider: string;
    model: string;
    reason: string;
    /**
     * Set when another instance finishes a turn whose instance died: the reply so far, which replaces
     * whatever the client had; the deltas that follow are numbered from 0 again.
     */
    resumedText?: string;
  };
  'turn:delta': { turnId: string; sessionId: string; index: number; text: string };
  'turn:recs': { turnId: string; sessionId: string; recommendationId: string; tracks: RecommendedTrack[] };
  'turn:done': {
    turnId: string;
    sessionId: string;
    message: Message;
    usage: Usage;
    costUsd: number;
    ttftMs: number | null;
    totalMs: number;
    meta: AssistantMeta;
  };
  'turn:error': { turnId: string; sessionId: string; code: ErrorCode; message: string; retryable: boolean };
  typing: { sessionId: string; userId: string; on: boolean };
  /** To every socket of the listener (room `user:<id>`): a session was created, renamed or got a title. */
  'session:updated': { session: Session };
  /** To every socket of the listener: the session is gone (its room gets it too). */
  'session:deleted': { sessionId: string };
  /** To every socket of the listener: a history import moved on (at most a few times a second). */
  'import:progress': { job: HistoryImport };
  /** To the one socket: its token expired; it is disconnected after `graceMs` unless it sends `auth:refresh`. */
  'auth:expired': { message: string; graceMs: number };
}
export type ServerEventName = keyof ServerPayloads;

/** Socket.io typed maps, used by both `socket.io` and `socket.io-client`. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: unknown, ack?: AckCallback<E>) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerPayloads[E]) => void;
};

export function roomForSession(sessionId: string): string {
  return `session:${sessionId}`;
}

/** Every socket of one listener, for their session list. */
export function roomForUser(userId: string): string {
  return `user:${userId}`;
}
