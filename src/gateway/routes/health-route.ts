import type { FastifyInstance } from 'fastify';
import type { StoreLifecycle } from '../../store/index.js';

/** Liveness plus the store's reachability, for load balancers and the container HEALTHCHECK. */
export function registerHealthRoute(
  app: FastifyInstance,
  deps: { store: Pick<StoreLifecycle, 'kind' | 'ping'>; startedAt: number },
): void {
  app.get('/health', async (_request, reply) => {
    const uptimeSeconds = Math.round((Date.now() - deps.startedAt) / 1000);
    try {
      await deps.store.ping();
      return { status: 'ok', store: deps.store.kind, uptimeSeconds };
    } catch {
      return reply.status(503).send({ status: 'unavailable', store: deps.store.kind, uptimeSeconds });
    }
  });
}
