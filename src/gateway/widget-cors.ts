import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GUEST_TOKEN_PATH } from './routes/auth-routes.js';
import type { SiteKeyAccess } from './site-key-access.js';

/** Browsers may cache a preflight this long (seconds); a revoked key's origin loses CORS after it. */
const PREFLIGHT_MAX_AGE_SECONDS = 60;

/**
 * CORS for the widget's guest-token request, registered in the context that holds that route. A
 * preflight carries no body, so it cannot name its site key: an origin any live key allows gets the
 * headers, and the request itself then checks the key against the origin. Other origins, and every
 * other path (the plugin's OPTIONS route matches all), get no CORS headers: the browser refuses them.
 */
export async function registerWidgetCors(
  app: FastifyInstance,
  siteKeys: Pick<SiteKeyAccess, 'isWidgetOrigin'>,
): Promise<void> {
  await app.register(fastifyCors, {
    delegator: async (request: FastifyRequest): Promise<FastifyCorsOptions> => {
      const path = request.url.split('?')[0];
      const allowed = path === GUEST_TOKEN_PATH && (await siteKeys.isWidgetOrigin(request.headers.origin));
      return {
        // true reflects the request's own origin; no credentials, the widget sends a bearer token.
        origin: allowed,
        methods: ['POST'],
        allowedHeaders: ['content-type'],
        maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      };
    },
  });
}
