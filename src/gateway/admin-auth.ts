import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { EchoError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares in constant time; hashing first makes both sides the same length, so not even the token's
 * length leaks through timing.
 */
export function isAdminToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

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
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!isAdminToken(given, adminToken)) {
      throw new EchoError('unauthorized', 'The admin API needs Authorization: Bearer <ADMIN_TOKEN>');
    }
  });
}
