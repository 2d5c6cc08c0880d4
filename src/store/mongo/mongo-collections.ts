import type { Collection, Db } from 'mongodb';
import type {
  FeedbackDocument,
  HistoryDocument,
  ImportJobDocument,
  MessageDocument,
  PendingSignInDocument,
  RecommendationDocument,
  SessionDocument,
  SiteKeyDocument,
  SpotifyAccountDocument,
  SpotifySyncClaimDocument,
  TrackDocument,
  TurnProgressDocument,
  UsageDocument,
  UserDocument,
} from './mongo-documents.js';

/** Collection names match the SQLite table names so both stores read the same in docs and tools. */
export interface MongoCollections {
  users: Collection<UserDocument>;
  sessions: Collection<SessionDocument>;
  messages: Collection<MessageDocument>;
  recommendations: Collection<RecommendationDocument>;
  feedback: Collection<FeedbackDocument>;
  tracks: Collection<TrackDocument>;
  history: Collection<HistoryDocument>;
  importJobs: Collection<ImportJobDocument>;
  usage: Collection<UsageDocument>;
  turnProgress: Collection<TurnProgressDocument>;
  siteKeys: Collection<SiteKeyDocument>;
  spotifyAccounts: Collection<SpotifyAccountDocument>;
  spotifySyncClaims: Collection<SpotifySyncClaimDocument>;
  pendingSignIns: Collection<PendingSignInDocument>;
}

export function collectionsOf(db: Db): MongoCollections {
  return {
    users: db.collection<UserDocument>('users'),
    sessions: db.collection<SessionDocument>('sessions'),
    messages: db.collection<MessageDocument>('messages'),
    recommendations: db.collection<RecommendationDocument>('recommendations'),
    feedback: db.collection<FeedbackDocument>('feedback'),
    tracks: db.collection<TrackDocument>('tracks'),
    history: db.collection<HistoryDocument>('listening_history'),
    importJobs: db.collection<ImportJobDocument>('import_jobs'),
    usage: db.collection<UsageDocument>('usage'),
    turnProgress: db.collection<TurnProgressDocument>('turn_progress'),
    siteKeys: db.collection<SiteKeyDocument>('site_keys'),
    spotifyAccounts: db.collection<SpotifyAccountDocument>('spotify_accounts'),
    spotifySyncClaims: db.collection<SpotifySyncClaimDocument>('spotify_sync_claims'),
    pendingSignIns: db.collection<PendingSignInDocument>('pending_sign_ins'),
  };
}
