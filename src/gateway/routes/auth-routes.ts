import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GuestTokenResponse } from '../../protocol/index.js';
import type { ConversationStore } from '../../store/index.js';
import { parseInput } from '../http-errors.js';
import type { TokenService } from '../token-service.js';

const guestBodySchema = z.strictObject({ displayName: z.string().trim().min(1).max(80).optional() });

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { store: Pick<ConversationStore, 'createUser'>; tokens: TokenService },
): void {
  app.post('/api/v1/auth/guest', async (request): Promise<GuestTokenResponse> => {
    const body = parseInput(guestBodySchema, request.body, 'body');
    const user = await deps.store.createUser({
      id: randomUUID(),
      kind: 'guest',
      displayName: body.displayName ?? null,
    });
    const { token, expiresAt } = await deps.tokens.issue({ userId: user.id, kind: 'guest' });
    return { token, userId: user.id, expiresAt };
  });
}
