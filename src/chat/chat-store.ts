import type {
  CatalogStore,
  ConversationStore,
  RecommendationStore,
  TurnProgressStore,
  UsageStore,
} from '../store/index.js';

/**
 * The roles of the store a chat turn touches: the conversation, its recommendations, usage, track
 * lookups, and the progress of running turns.
 */
export type ChatStore = ConversationStore &
  RecommendationStore &
  UsageStore &
  TurnProgressStore &
  Pick<CatalogStore, 'getTracks'>;
