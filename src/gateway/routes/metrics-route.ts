import type { FastifyInstance } from 'fastify';
import { EchoError } from '../../errors.js';
import { bearerTokenOf, matchesSecret } from '../bearer-secret.js';
import type { GatewayMetrics } from '../gateway-metrics.js';

interface MetricsRouteOptions {
  metrics: Pick<GatewayMetrics, 'render'>;
  /** When set, a scrape needs `Authorization: Bearer <token>`. */
  token: string | undefined;
}

/**
 * `GET /metrics`: this instance's metrics in the Prometheus text format. Scrapers ask every few seconds,
 * so it never counts against the REST rate limit; with METRICS_TOKEN it needs that bearer token.
 */
export function registerMetricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  const { token } = options;
  app.get('/metrics', { config: { rateLimit: false } }, async (request, reply) => {
    if (token !== undefined && !matchesSecret(bearerTokenOf(request.headers.authorization), token)) {
      throw new EchoError('unauthorized', 'The metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });
}
