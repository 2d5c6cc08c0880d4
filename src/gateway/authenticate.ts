import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenService } from './token-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The listener named by the bearer token; set on every authenticated route. */
    userId: string;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim();
}

/** Every route registered in this (encapsulated) context requires `Authorization: Bearer <token>`. */
export function requireBearerToken(app: FastifyInstance, tokens: TokenService): void {
  app.decorateRequest('userId', '');
  app.addHook('preHandler', async (request) => {
    const claims = await tokens.verify(bearerToken(request));
    request.userId = claims.userId;
  });
}
