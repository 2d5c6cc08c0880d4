import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GUEST_TOKEN_PATH } from './routes/auth-routes.js';

/** Browsers may reuse a preflight this long (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 60;

/**
 * Whether a page on another origin may read this answer of the guest-token route. The preflight carries
 * no body, so it cannot name its site key: every origin's preflight passes, and the request itself
 * decides. A request that names a site key may read its answer, because that answer is either a token
 * for an origin the key allows or the polite 403 the widget must be able to show (a page refused at the
 * preflight would only see a network error and retry forever). A request without a site key never may:
 * unscoped tokens are for EchoTune's own page, so other sites cannot hand them to their visitors.
 */
function readableCrossOrigin(request: FastifyRequest): boolean {
  if (request.url.split('?')[0] !== GUEST_TOKEN_PATH) return false;
  if (request.method === 'OPTIONS') return true;
  const body = request.body;
  return typeof body === 'object' && body !== null && typeof Reflect.get(body, 'siteKey') === 'string';
}

/**
 * CORS for the widget's guest-token request, registered in the context that holds that route. Every
 * other path (the plugin's OPTIONS route matches all) gets no CORS headers: the browser refuses it.
 */
export async function registerWidgetCors(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCors, {
    // After body parsing, so the decision can see whether the request names a site key.
    hook: 'preHandler',
    delegator: async (request: FastifyRequest): Promise<FastifyCorsOptions> => ({
      // true reflects the request's own origin; no credentials, the widget sends a bearer token.
      origin: readableCrossOrigin(request),
      methods: ['POST'],
      allowedHeaders: ['content-type'],
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    }),
  });
}
