export { bundledCatalog } from './catalog/bundled-catalog.js';
export { estimateFeatures, genreProfiles } from './catalog/estimate-features.js';
export { loadCatalog } from './catalog/load-catalog.js';
export { CooccurrenceModel } from './cooccurrence.js';
export { createRecommender, type Engine, type RecommenderOptions } from './engine.js';
export {
  type ImportIntoStoreOptions,
  type ImportReport,
  type ImportResult,
  importCatalogIntoStore,
  importRecords,
  openCatalogSource,
} from './import/index.js';
export { activityTable, moodTable } from './mood-table.js';
export {
  type RecommendQuery,
  type RecommendQueryInput,
  recommendQuerySchema,
  tunableAttributes,
} from './query.js';
export { sample, seededRandom } from './random.js';
export { toRecommendedTrack } from './recommended-track.js';
export type * from './recommender.js';
export { type RecommendTimer, timedRecommender } from './timed-recommender.js';
export type { ConversationSoFar, Understood } from './understanding.js';
export { defaultWeights, type Weights } from './weights.js';
