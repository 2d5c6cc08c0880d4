import type { Logger } from '../logger.js';
import type { RecommendedTrack } from '../protocol/index.js';
import type { RecommendQuery, RecommendQueryInput } from './query.js';
import type { ConversationSoFar, Understood } from './understanding.js';

export interface RecommendContext {
  /** The listener (from the token, never from the query body); drives taste and feedback signals. */
  userId?: string;
  /** Tracks already recommended in the session; excluded like query.exclude. */
  excludeIds?: readonly string[];
  /** The caller's logger (a chat turn's names its session and turn); the recommender's own otherwise. */
  logger?: Logger;
}

export interface RecommendResult {
  tracks: RecommendedTrack[];
  /** Words in the query the engine could not use ("unknown mood 'sparkly'"). */
  warnings: string[];
}

export interface ResolvedMention {
  mention: { title: string; artist?: string };
  trackId: string | null;
  confidence: number;
}

/** A play of a listening history, to be matched to a catalog track. */
export interface PlayToMatch {
  /** The 22-character id of `spotify:track:<id>`, when the history has it. */
  spotifyTrackId: string | null;
  title: string;
  artist: string;
}

export interface MatchedPlay {
  trackId: string;
  /** The track's first genre, if the catalog has one. */
  genre: string | null;
  by: 'uri' | 'name';
}

/** What chat, the gateway and the offline provider need from the engine. */
export interface Recommender {
  recommend(query: RecommendQuery, context: RecommendContext): Promise<RecommendResult>;
  /** Maps "title — artist" mentions from model text to catalog tracks. */
  resolve(mentions: Array<{ title: string; artist?: string }>): ResolvedMention[];
  /** The catalog track of a play: by its Spotify id (catalog ids are Spotify's), else title and artist. */
  matchPlay(play: PlayToMatch): MatchedPlay | null;
  /** The listener's history changed (an import): their next recommendation reads it afresh. */
  forgetListener(userId: string): void;
  /** Reads mood, activity, genres, tempo and named artists from free text, as a query. */
  extractIntent(text: string): RecommendQueryInput;
  /** A message as a query, refining the session's previous request when it is a follow-up. */
  understand(text: string, conversation?: ConversationSoFar): Understood;
  /** Number of tracks loaded. */
  size(): number;
}
