import type { FastifyInstance } from 'fastify';
import type { ModelRouter } from '../../providers/index.js';
import { errorResponses, listenerSecurity, providersResponseSchema } from '../rest-schemas.js';

export function registerProvidersRoute(app: FastifyInstance, deps: { router: ModelRouter }): void {
  const schema = {
    tags: ['providers'],
    security: listenerSecurity,
    summary: "The model deployments and the router's view of each (circuit, latency, error rate, cost)",
    response: { 200: providersResponseSchema, ...errorResponses(401) },
  };
  app.get('/api/v1/providers', { schema }, async () => ({ deployments: deps.router.status() }));
}
