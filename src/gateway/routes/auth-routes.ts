import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type GuestTokenResponse, guestTokenBodySchema } from '../../protocol/index.js';
import type { ConversationStore } from '../../store/index.js';
import { bearerTokenOf } from '../bearer-secret.js';
import { parseInput } from '../http-errors.js';
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
  app.post(GUEST_TOKEN_PATH, async (request): Promise<GuestTokenResponse> => {
    const body = parseInput(guestTokenBodySchema, request.body, 'body');
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
  app.post(REFRESH_TOKEN_PATH, async (request): Promise<GuestTokenResponse> => {
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
