export { createSqliteStore, createStore } from './create-store.js';
export { type ExpirySweeper, startExpirySweeper } from './expiry-sweeper.js';
export type * from './records.js';
export type {
  CatalogStore,
  ConversationStore,
  JobStore,
  ListeningStore,
  PendingSignInStore,
  RecommendationStore,
  SiteKeyStore,
  SpotifyAccountStore,
  Store,
  StoreLifecycle,
  TurnProgressStore,
  UsageStore,
} from './store.js';
export { type StoreTimer, timedStore } from './timed-store.js';
