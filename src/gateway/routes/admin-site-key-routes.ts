import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EchoError } from '../../errors.js';
import {
  type SiteKey,
  type SiteKeyListResponse,
  siteKeyCreateBodySchema,
  siteKeySchema,
} from '../../protocol/index.js';
import type { SiteKeyStore } from '../../store/index.js';
import { parseInput } from '../http-errors.js';
import type { SiteKeyAccess } from '../site-key-access.js';

const keyParamsSchema = z.strictObject({ key: siteKeySchema });

/** The site-key admin API; the caller puts it behind requireAdminToken. */
export function registerAdminSiteKeyRoutes(
  app: FastifyInstance,
  deps: { store: SiteKeyStore; siteKeys: Pick<SiteKeyAccess, 'forget'> },
): void {
  app.post('/api/v1/admin/site-keys', async (request, reply): Promise<SiteKey> => {
    const body = parseInput(siteKeyCreateBodySchema, request.body, 'body');
    const created = await deps.store.createSiteKey(body);
    deps.siteKeys.forget(created.key);
    void reply.status(201);
    return created;
  });

  app.get(
    '/api/v1/admin/site-keys',
    async (): Promise<SiteKeyListResponse> => ({
      items: await deps.store.listSiteKeys(),
    }),
  );

  app.delete('/api/v1/admin/site-keys/:key', async (request): Promise<SiteKey> => {
    const { key } = parseInput(keyParamsSchema, request.params, 'params');
    const revoked = await deps.store.revokeSiteKey(key);
    if (revoked === null) throw new EchoError('not_found', `No site key ${key}`);
    // This instance refuses it from now on; the others within SITE_KEY_CACHE_MS.
    deps.siteKeys.forget(key);
    return revoked;
  });
}
