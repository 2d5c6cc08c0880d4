import type { FastifyInstance } from 'fastify';
import { type Recommender, recommendQuerySchema } from '../../recommend/index.js';
import { parseInput } from '../http-errors.js';

/** The same query the recommend_tracks tool takes; the listener comes from the token, never the body. */
export function registerRecommendRoute(app: FastifyInstance, deps: { recommender: Recommender }): void {
  app.post('/api/v1/recommend', async (request) => {
    const query = parseInput(recommendQuerySchema, request.body, 'body');
    return deps.recommender.recommend(query, { userId: request.userId });
  });
}
