import type { RecommendedTrack } from '../protocol/index.js';
import type { RecommendQuery, RecommendQueryInput } from './query.js';

export interface RecommendContext {
  /** The listener (from the token, never from the query body); drives taste and feedback signals. */
  userId?: string;
  /** Tracks already recommended in the session; excluded like query.exclude. */
  excludeIds?: readonly string[];
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

/** What chat, the gateway and the offline provider need from the engine. */
export interface Recommender {
  recommend(query: RecommendQuery, context: RecommendContext): Promise<RecommendResult>;
  /** Maps "title — artist" mentions from model text to catalog tracks. */
  resolve(mentions: Array<{ title: string; artist?: string }>): ResolvedMention[];
  /** Reads mood, activity, genres, tempo and named artists from free text, as a query. */
  extractIntent(text: string): RecommendQueryInput;
  /** Number of tracks loaded. */
  size(): number;
}
