export {
  type RecommendQuery,
  type RecommendQueryInput,
  recommendQuerySchema,
  tunableAttributes,
} from './query.js';
export type * from './recommender.js';
