import type {
  CatalogTrack,
  Feedback,
  ImportJob,
  ListeningEvent,
  Message,
  PendingSignInRecord,
  Recommendation,
  Session,
  SiteKey,
  SpotifyAccount,
  TurnProgress,
  UsageRecord,
  User,
} from '../records.js';

/**
 * Documents as stored. Each record's id is the document `_id`. Times are ISO strings like in SQLite
 * (string order is time order), except recommendations.expiresAt, a BSON date because TTL indexes only
 * act on dates.
 */
export type UserDocument = Omit<User, 'id'> & { _id: string };
export type SessionDocument = Omit<Session, 'id'> & { _id: string };
/**
 * `clientMsgKey` is the clientMsgId, or `message:<id>` when there is none: a value every message has,
 * so servers without partial indexes (FerretDB) can still enforce unique client ids (see mongo-indexes).
 */
export type MessageDocument = Omit<Message, 'id'> & {
  _id: string;
  clientMsgKey: string;
  /** Marks a seq an append gave up after it could no longer be handed back: a gap readers may pass. */
  abandoned?: true;
};
export type RecommendationDocument = Omit<Recommendation, 'id' | 'expiresAt'> & {
  _id: string;
  expiresAt: Date;
};
export type FeedbackDocument = Omit<Feedback, 'id'> & { _id: string };
export type TrackDocument = Omit<CatalogTrack, 'id'> & { _id: string };
export type HistoryDocument = ListeningEvent & { _id: string };
export type ImportJobDocument = Omit<ImportJob, 'id' | 'report'> & {
  _id: string;
  report?: ImportJob['report'];
};
export type UsageDocument = Omit<UsageRecord, 'id'> & { _id: string };
export type TurnProgressDocument = Omit<TurnProgress, 'turnId'> & { _id: string };
export type SiteKeyDocument = Omit<SiteKey, 'key' | 'revokedAt'> & { _id: string; revokedAt?: string | null };
/** Keyed by the Spotify account (unique by construction); userId has a unique index of its own. */
export type SpotifyAccountDocument = Omit<
  SpotifyAccount,
  'spotifyUserId' | 'displayName' | 'lastSyncAfter' | 'lastSyncAt'
> & {
  _id: string;
  displayName?: string | null;
  lastSyncAfter?: number | null;
  lastSyncAt?: string | null;
};
export type PendingSignInDocument = Omit<PendingSignInRecord, 'state'> & { _id: string };
/**
 * One won claim of a sync: `_id` is the Spotify account and the lastSyncAt it claimed from, so the unique
 * `_id` lets exactly one instance win, even on servers whose updates are not atomic (FerretDB).
 */
export interface SpotifySyncClaimDocument {
  _id: string;
  spotifyUserId: string;
  at: string;
}

/** Renames `_id` back to `id`; the rest of the document is already the record. */
export function fromDocument<Document extends { _id: string }>(
  document: Document,
): Omit<Document, '_id'> & { id: string } {
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}

/** FerretDB 1.24 drops null fields written by $setOnInsert, so a missing displayName reads as null. */
export function toUser(document: UserDocument): User {
  return {
    id: document._id,
    kind: document.kind,
    displayName: document.displayName ?? null,
    createdAt: document.createdAt,
  };
}

export function toRecommendation(document: RecommendationDocument): Recommendation {
  return { ...fromDocument(document), expiresAt: document.expiresAt.toISOString() };
}

export function clientMsgKeyOf(messageId: string, clientMsgId: string | null): string {
  return clientMsgId ?? `message:${messageId}`;
}

export function toMessage(document: MessageDocument): Message {
  const { clientMsgKey: _clientMsgKey, abandoned: _abandoned, ...message } = fromDocument(document);
  return message;
}

export function toTrack(document: TrackDocument): CatalogTrack {
  return fromDocument(document);
}

/** Plays stored before version 5 lack the fields it added (and FerretDB may drop null ones). */
export function toListeningEvent(document: HistoryDocument): ListeningEvent {
  return {
    userId: document.userId,
    trackId: document.trackId ?? null,
    trackName: document.trackName,
    artistName: document.artistName,
    albumName: document.albumName ?? null,
    playedAt: document.playedAt,
    msPlayed: document.msPlayed,
    source: document.source,
    signal: document.signal ?? 'neutral',
    incognito: document.incognito ?? false,
    genre: document.genre ?? null,
  };
}

/** Jobs created before history imports have no report (and FerretDB may drop a null one). */
export function toImportJob(document: ImportJobDocument): ImportJob {
  return { ...fromDocument(document), report: document.report ?? null };
}

/** FerretDB 1.24 may drop null fields, so missing ones read as null. */
export function toSpotifyAccount(document: SpotifyAccountDocument): SpotifyAccount {
  const { _id, displayName, lastSyncAfter, lastSyncAt, ...rest } = document;
  return {
    ...rest,
    spotifyUserId: _id,
    displayName: displayName ?? null,
    lastSyncAfter: lastSyncAfter ?? null,
    lastSyncAt: lastSyncAt ?? null,
  };
}
