import type { FastifyInstance } from 'fastify';
import { EchoError } from '../errors.js';
import { bearerTokenOf, matchesSecret } from './bearer-secret.js';

/**
 * Every route registered in this (encapsulated) context requires `Authorization: Bearer <ADMIN_TOKEN>`.
 * Without ADMIN_TOKEN the admin API is off: 404, saying how to turn it on (404 rather than 503: nothing
 * will make it appear but a restart with the setting, so there is nothing to retry).
 */
export function requireAdminToken(app: FastifyInstance, adminToken: string | undefined): void {
  app.addHook('onRequest', async (request) => {
    if (adminToken === undefined) {
      throw new EchoError(
        'not_found',
        'The admin API is off: start the server with ADMIN_TOKEN (16+ characters) to use it',
      );
    }
    if (!matchesSecret(bearerTokenOf(request.headers.authorization), adminToken)) {
      throw new EchoError('unauthorized', 'The admin API needs Authorization: Bearer <ADMIN_TOKEN>');
    }
  });
}
