import type { HistoryImportReport } from '../../protocol/index.js';
import type {
  CatalogTrack,
  Feedback,
  ImportJob,
  ListeningEvent,
  Message,
  Recommendation,
  Session,
  User,
} from '../records.js';

/** Rows exactly as better-sqlite3 returns them (snake_case columns, JSON as text, booleans as 0/1). */
export interface UserRow {
  id: string;
  kind: User['kind'];
  display_name: string | null;
  created_at: string;
}

export interface SessionRow {
  id: string;
  user_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  last_seq: number;
}

export interface MessageRow {
  id: string;
  session_id: string;
  seq: number;
  role: Message['role'];
  text: string;
  client_msg_id: string | null;
  created_at: string;
  meta: string | null;
}

export interface RecommendationRow {
  id: string;
  session_id: string;
  user_id: string;
  turn_id: string;
  query: string;
  tracks: string;
  created_at: string;
  expires_at: string;
}

export interface FeedbackRow {
  id: string;
  user_id: string;
  session_id: string;
  recommendation_id: string;
  track_id: string;
  signal: Feedback['signal'];
  created_at: string;
}

export interface TrackRow {
  id: string;
  name: string;
  artists: string;
  album: string;
  release_date: string | null;
  genres: string;
  popularity: number;
  duration_ms: number;
  explicit: number | null;
  features: string;
  estimated: number;
}

export interface HistoryRow {
  id: number;
  user_id: string;
  track_id: string | null;
  track_name: string;
  artist_name: string;
  played_at: string;
  ms_played: number;
  source: string;
  album_name: string | null;
  signal: ListeningEvent['signal'];
  incognito: 0 | 1;
  genre: string | null;
}

export interface ImportJobRow {
  id: string;
  user_id: string | null;
  kind: ImportJob['kind'];
  status: ImportJob['status'];
  source: string;
  total: number | null;
  processed: number;
  imported: number;
  merged: number;
  rejected: number;
  errors: string;
  report: string | null;
  created_at: string;
  updated_at: string;
}

export function toUser(row: UserRow): User {
  return { id: row.id, kind: row.kind, displayName: row.display_name, createdAt: row.created_at };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeq: row.last_seq,
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    sessionId: row.session_id,
    seq: row.seq,
    role: row.role,
    text: row.text,
    clientMsgId: row.client_msg_id,
    createdAt: row.created_at,
    meta: row.meta === null ? null : (JSON.parse(row.meta) as Message['meta']),
  };
}

export function toRecommendation(row: RecommendationRow): Recommendation {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    turnId: row.turn_id,
    query: JSON.parse(row.query) as Recommendation['query'],
    tracks: JSON.parse(row.tracks) as Recommendation['tracks'],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function toFeedback(row: FeedbackRow): Feedback {
  return {
    id: row.id,
    userId: row.user_id,
    sessionId: row.session_id,
    recommendationId: row.recommendation_id,
    trackId: row.track_id,
    signal: row.signal,
    createdAt: row.created_at,
  };
}

export function toTrack(row: TrackRow): CatalogTrack {
  return {
    id: row.id,
    name: row.name,
    artists: JSON.parse(row.artists) as string[],
    album: row.album,
    releaseDate: row.release_date,
    genres: JSON.parse(row.genres) as string[],
    popularity: row.popularity,
    durationMs: row.duration_ms,
    explicit: row.explicit === null ? null : row.explicit === 1,
    features: JSON.parse(row.features) as CatalogTrack['features'],
    estimated: row.estimated === 1,
  };
}

export function toListeningEvent(row: HistoryRow): ListeningEvent {
  return {
    userId: row.user_id,
    trackId: row.track_id,
    trackName: row.track_name,
    artistName: row.artist_name,
    albumName: row.album_name,
    playedAt: row.played_at,
    msPlayed: row.ms_played,
    source: row.source,
    signal: row.signal,
    incognito: row.incognito === 1,
    genre: row.genre,
  };
}

export function toImportJob(row: ImportJobRow): ImportJob {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    status: row.status,
    source: row.source,
    total: row.total,
    processed: row.processed,
    imported: row.imported,
    merged: row.merged,
    rejected: row.rejected,
    errors: JSON.parse(row.errors) as string[],
    report: row.report === null ? null : (JSON.parse(row.report) as HistoryImportReport),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
