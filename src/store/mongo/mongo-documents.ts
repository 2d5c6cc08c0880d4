import type {
  CatalogTrack,
  Feedback,
  ImportJob,
  ListeningEvent,
  Message,
  Recommendation,
  Session,
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
export type MessageDocument = Omit<Message, 'id'> & { _id: string };
export type RecommendationDocument = Omit<Recommendation, 'id' | 'expiresAt'> & {
  _id: string;
  expiresAt: Date;
};
export type FeedbackDocument = Omit<Feedback, 'id'> & { _id: string };
export type TrackDocument = Omit<CatalogTrack, 'id'> & { _id: string; searchText: string };
export type HistoryDocument = ListeningEvent & { _id: string };
export type ImportJobDocument = Omit<ImportJob, 'id'> & { _id: string };
export type UsageDocument = Omit<UsageRecord, 'id'> & { _id: string };

/** Renames `_id` back to `id`; the rest of the document is already the record. */
export function fromDocument<Document extends { _id: string }>(
  document: Document,
): Omit<Document, '_id'> & { id: string } {
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}

export function toRecommendation(document: RecommendationDocument): Recommendation {
  return { ...fromDocument(document), expiresAt: document.expiresAt.toISOString() };
}

export function toTrack(document: TrackDocument): CatalogTrack {
  const { searchText: _searchText, ...track } = fromDocument(document);
  return track;
}

export function toListeningEvent(document: HistoryDocument): ListeningEvent {
  const { _id, ...event } = document;
  return event;
}
