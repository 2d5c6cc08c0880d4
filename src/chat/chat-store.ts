import type { CatalogStore, ConversationStore, RecommendationStore, UsageStore } from '../store/index.js';

/** The roles of the store a chat turn touches: the conversation, its recommendations, usage, track lookups. */
export type ChatStore = ConversationStore &
  RecommendationStore &
  UsageStore &
  Pick<CatalogStore, 'getTracks'>;
