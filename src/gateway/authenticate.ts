import type { FastifyInstance } from 'fastify';
import { bearerTokenOf } from './bearer-secret.js';
import type { SiteKeyAccess } from './site-key-access.js';
import type { TokenService } from './token-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The listener named by the bearer token; set on every authenticated route. */
    userId: string;
    /** The site key a widget's token is scoped to; null for the page's own tokens. */
    siteKey: string | null;
  }
}

/**
 * Every route registered in this (encapsulated) context requires `Authorization: Bearer <token>`. A
 * widget's token (issued through a site key) also needs its key live and the request's Origin among the
 * key's, as on the socket.
 */
export function requireBearerToken(
  app: FastifyInstance,
  tokens: TokenService,
  siteKeys: Pick<SiteKeyAccess, 'authorize'>,
): void {
  app.decorateRequest('userId', '');
  app.decorateRequest('siteKey', null);
  app.addHook('preHandler', async (request) => {
    const claims = await tokens.verify(bearerTokenOf(request.headers.authorization));
    await siteKeys.authorize(claims, request.headers.origin);
    request.userId = claims.userId;
    request.siteKey = claims.siteKey ?? null;
  });
}
