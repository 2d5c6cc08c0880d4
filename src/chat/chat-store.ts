import type {
  CatalogStore,
  ConversationStore,
  ListeningStore,
  RecommendationStore,
  TurnProgressStore,
  UsageStore,
} from '../store/index.js';

/**
 * The roles of the store a chat turn touches: the conversation, its recommendations, usage, track
 * lookups, the progress of running turns, and the listener's stats (the listening_stats tool).
 */
export type ChatStore = ConversationStore &
  RecommendationStore &
  UsageStore &
  TurnProgressStore &
  Pick<CatalogStore, 'getTracks'> &
  Pick<ListeningStore, 'listeningStats'>;
