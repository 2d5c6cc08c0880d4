import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listeningStatsFor } from '../../listening/index.js';
import { statsQuerySchema } from '../../protocol/index.js';
import type { ListeningStore } from '../../store/index.js';
import { errorResponses, listenerSecurity, listeningStatsSchema } from '../rest-schemas.js';

/** GET /api/v1/stats?period=week|month|year|all (or from/to, utcOffset, top): the caller's listening. */
export function registerStatsRoutes(
  app: FastifyInstance,
  deps: { store: Pick<ListeningStore, 'listeningStats'> },
) {
  const schema = {
    tags: ['listening'],
    security: listenerSecurity,
    summary:
      "The caller's listening over a period: totals, top tracks, artists and genres, by hour and weekday",
    querystring: statsQuerySchema,
    response: { 200: listeningStatsSchema, ...errorResponses(400, 401) },
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/v1/stats', { schema }, async (request) =>
      listeningStatsFor(deps.store, request.userId, request.query),
    );
}
