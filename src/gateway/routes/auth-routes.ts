import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type GuestTokenResponse, guestTokenBodySchema } from '../../protocol/index.js';
import type { ConversationStore } from '../../store/index.js';
import { bearerTokenOf } from '../bearer-secret.js';
import { errorResponses, guestTokenResponseSchema, listenerSecurity, noSecurity } from '../rest-schemas.js';
import type { SiteKeyAccess } from '../site-key-access.js';
import type { TokenService } from '../token-service.js';

export const GUEST_TOKEN_PATH = '/api/v1/auth/guest';
export const REFRESH_TOKEN_PATH = '/api/v1/auth/refresh';

/**
 * Guest sign-in. With a site key (the embeddable widget) the request's Origin must be one the key
 * allows, and the token carries the key, so the new listener only ever acts through that site.
 */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: {
    store: Pick<ConversationStore, 'createUser'>;
    tokens: TokenService;
    siteKeys: Pick<SiteKeyAccess, 'requireOrigin' | 'authorize'>;
    /** How long after expiry a token may still be exchanged for a new one. */
    refreshGraceSeconds: number;
  },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const guestSchema = {
    tags: ['auth'],
    security: noSecurity,
    summary: 'A new guest listener and its token (a widget names its site key; the Origin must match it)',
    body: guestTokenBodySchema,
    response: { 200: guestTokenResponseSchema, ...errorResponses(400, 403) },
  };
  api.post(GUEST_TOKEN_PATH, { schema: guestSchema }, async (request): Promise<GuestTokenResponse> => {
    const body = request.body;
    const { siteKey } = body;
    // Checked before anything is created: a refused page leaves no listener behind.
    if (siteKey !== undefined) await deps.siteKeys.requireOrigin(siteKey, request.headers.origin);
    const user = await deps.store.createUser({
      id: randomUUID(),
      kind: 'guest',
      displayName: body.displayName ?? null,
    });
    const { token, expiresAt } = await deps.tokens.issue({ userId: user.id, kind: 'guest', siteKey });
    // Without a site key, `siteKey: undefined` is left out of the JSON.
    return { token, userId: user.id, expiresAt, siteKey };
  });

  // The same listener, a new expiry: a page or widget keeps its listener (and history) across expiries.
  const refreshSchema = {
    tags: ['auth'],
    security: listenerSecurity,
    summary: 'A new token for the same listener; the current one may have expired within the refresh grace',
    response: { 200: guestTokenResponseSchema, ...errorResponses(401, 403) },
  };
  api.post(REFRESH_TOKEN_PATH, { schema: refreshSchema }, async (request): Promise<GuestTokenResponse> => {
    const claims = await deps.tokens.verifyForRefresh(
      bearerTokenOf(request.headers.authorization),
      deps.refreshGraceSeconds,
    );
    await deps.siteKeys.authorize(claims, request.headers.origin);
    const { userId, kind, siteKey } = claims;
    const { token, expiresAt } = await deps.tokens.issue({ userId, kind, siteKey });
    return { token, userId, expiresAt, siteKey };
  });
}
