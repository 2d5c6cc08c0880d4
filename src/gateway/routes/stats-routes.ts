import type { FastifyInstance } from 'fastify';
import { listeningStatsFor } from '../../listening/index.js';
import { statsQuerySchema } from '../../protocol/index.js';
import type { ListeningStore } from '../../store/index.js';
import { parseInput } from '../http-errors.js';

/** GET /api/v1/stats?period=week|month|year|all (or from/to, utcOffset, top): the caller's listening. */
export function registerStatsRoutes(
  app: FastifyInstance,
  deps: { store: Pick<ListeningStore, 'listeningStats'> },
) {
  app.get('/api/v1/stats', async (request) => {
    const query = parseInput(statsQuerySchema, request.query, 'query');
    return listeningStatsFor(deps.store, request.userId, query);
  });
}
