import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Recommender, recommendQuerySchema } from '../../recommend/index.js';
import { errorResponses, listenerSecurity, recommendResultSchema } from '../rest-schemas.js';

/** The same query the recommend_tracks tool takes; the listener comes from the token, never the body. */
export function registerRecommendRoute(app: FastifyInstance, deps: { recommender: Recommender }): void {
  const schema = {
    tags: ['recommend'],
    security: listenerSecurity,
    summary: 'Tracks for a query (the recommend_tracks tool over REST)',
    body: recommendQuerySchema,
    response: { 200: recommendResultSchema, ...errorResponses(400, 401) },
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .post('/api/v1/recommend', { schema }, async (request) =>
      deps.recommender.recommend(request.body, { userId: request.userId }),
    );
}
