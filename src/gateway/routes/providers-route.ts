import type { FastifyInstance } from 'fastify';
import type { ModelRouter } from '../../providers/index.js';

export function registerProvidersRoute(app: FastifyInstance, deps: { router: ModelRouter }): void {
  app.get('/api/v1/providers', async () => ({ deployments: deps.router.status() }));
}
