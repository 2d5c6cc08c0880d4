import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { answersWithin } from '../../answers-within.js';
import type { ModelRouter } from '../../providers/index.js';
import type { SharedState } from '../../shared-state/index.js';
import type { StoreLifecycle } from '../../store/index.js';

interface HealthDependencies {
  store: Pick<StoreLifecycle, 'kind' | 'ping'>;
  shared: Pick<SharedState, 'kind' | 'status'>;
  router: Pick<ModelRouter, 'status'>;
  startedAt: number;
  /** True once shutdown began. */
  draining: () => boolean;
  /** How long the store's ping may take before it counts as unreachable (2 s unless set). */
  pingTimeoutMs?: number;
}

const DEFAULT_PING_TIMEOUT_MS = 2_000;

/** Load balancers and probes ask often; their checks never count against a client's budget. */
const unlimited = { rateLimit: false } as const;

const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    store: z.string().describe('sqlite or mongodb'),
    uptimeSeconds: z.number().int(),
  })
  .meta({ id: 'Health' });
const readinessSchema = z
  .object({
    status: z.enum(['ready', 'degraded', 'draining', 'not_ready']),
    reasons: z.array(z.string()).describe('What is missing or degraded; empty when ready'),
  })
  .meta({ id: 'Readiness' });
const probes = { tags: ['operations'], security: [] };

/**
 * A ping that hangs counts as a failure: a probe must get its answer before its own timeout, and a
 * database client that stopped answering (docs/store.md) is exactly what it is there to notice.
 */
function storeReachable(store: HealthDependencies['store'], timeoutMs: number): Promise<boolean> {
  return answersWithin(() => store.ping(), timeoutMs);
}

/**
 * `/health`: liveness and the store's reachability (the container HEALTHCHECK). `/ready`: whether a load
 * balancer should send traffic here: 503 while shutting down or without a store or any available
 * deployment; `degraded` (still 200) while Redis is away, since this instance keeps serving its own
 * clients.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDependencies): void {
  const uptimeSeconds = () => Math.round((Date.now() - deps.startedAt) / 1000);
  const reachable = () => storeReachable(deps.store, deps.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS);

  const health = {
    ...probes,
    summary: 'Liveness: the process answers and its store is reachable (never rate limited)',
    response: { 200: healthSchema, 503: healthSchema },
  };
  app.get('/health', { config: unlimited, schema: health }, async (_request, reply) => {
    const body = { store: deps.store.kind, uptimeSeconds: uptimeSeconds() };
    if (await reachable()) return { status: 'ok', ...body };
    return reply.status(503).send({ status: 'unavailable', ...body });
  });

  const ready = {
    ...probes,
    summary: 'Readiness for a load balancer: 503 while draining, or without store or model deployment',
    response: { 200: readinessSchema, 503: readinessSchema },
  };
  app.get('/ready', { config: unlimited, schema: ready }, async (_request, reply) => {
    if (deps.draining()) {
      return reply
        .status(503)
        .send({ status: 'draining', reasons: ['shutting down: finishing running turns'] });
    }
    const reasons: string[] = [];
    if (!(await reachable())) reasons.push(`store (${deps.store.kind}) unreachable`);
    if (!deps.router.status().some((deployment) => deployment.circuit !== 'open')) {
      reasons.push('no model deployment available (every circuit is open)');
    }
    const shared = deps.shared.status().reasons;
    if (reasons.length > 0)
      return reply.status(503).send({ status: 'not_ready', reasons: [...reasons, ...shared] });
    if (shared.length > 0) return { status: 'degraded', reasons: shared };
    return { status: 'ready', reasons: [] };
  });
}
