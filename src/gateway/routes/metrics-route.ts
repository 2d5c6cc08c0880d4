import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EchoError } from '../../errors.js';
import { bearerTokenOf, matchesSecret } from '../bearer-secret.js';
import type { GatewayMetrics } from '../gateway-metrics.js';
import { errorResponses } from '../rest-schemas.js';

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
  const schema = {
    tags: ['operations'],
    security: token === undefined ? [] : [{ metricsToken: [] }],
    summary: "This instance's metrics for Prometheus (never rate limited)",
    produces: ['text/plain'],
    response: {
      200: {
        description: 'The Prometheus text exposition format',
        content: { 'text/plain': { schema: z.string() } },
      },
      ...errorResponses(401),
    },
  };
  app.get('/metrics', { config: { rateLimit: false }, schema }, async (request, reply) => {
    if (token !== undefined && !matchesSecret(bearerTokenOf(request.headers.authorization), token)) {
      throw new EchoError('unauthorized', 'The metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });
}
