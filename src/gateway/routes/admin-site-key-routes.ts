import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EchoError } from '../../errors.js';
import { type SiteKeyListResponse, siteKeyCreateBodySchema, siteKeySchema } from '../../protocol/index.js';
import type { SiteKeyStore } from '../../store/index.js';
import { adminSecurity, errorResponses, siteKeyResponseSchema } from '../rest-schemas.js';
import type { SiteKeyAccess } from '../site-key-access.js';

const keyParamsSchema = z.strictObject({ key: siteKeySchema });
const siteKeyListSchema = z.object({
  items: z.array(siteKeyResponseSchema),
}) satisfies z.ZodType<SiteKeyListResponse>;
const admin = { tags: ['admin'], security: adminSecurity };

/** The site-key admin API; the caller puts it behind requireAdminToken. */
export function registerAdminSiteKeyRoutes(
  app: FastifyInstance,
  deps: { store: SiteKeyStore; siteKeys: Pick<SiteKeyAccess, 'forget'> },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const createSchema = {
    ...admin,
    summary: 'A new site key for the widget, allowed on the listed origins',
    body: siteKeyCreateBodySchema,
    response: { 201: siteKeyResponseSchema, ...errorResponses(400, 401, 404) },
  };
  api.post('/api/v1/admin/site-keys', { schema: createSchema }, async (request, reply) => {
    const created = await deps.store.createSiteKey(request.body);
    deps.siteKeys.forget(created.key);
    return reply.status(201).send(created);
  });

  const listSchema = {
    ...admin,
    summary: 'Every site key, revoked ones included',
    response: { 200: siteKeyListSchema, ...errorResponses(401, 404) },
  };
  api.get('/api/v1/admin/site-keys', { schema: listSchema }, async () => ({
    items: await deps.store.listSiteKeys(),
  }));

  const revokeSchema = {
    ...admin,
    summary: 'Revokes a site key: its widget tokens stop working',
    params: keyParamsSchema,
    response: { 200: siteKeyResponseSchema, ...errorResponses(400, 401, 404) },
  };
  api.delete('/api/v1/admin/site-keys/:key', { schema: revokeSchema }, async (request) => {
    const { key } = request.params;
    const revoked = await deps.store.revokeSiteKey(key);
    if (revoked === null) throw new EchoError('not_found', `No site key ${key}`);
    // This instance refuses it from now on; the others within SITE_KEY_CACHE_MS.
    deps.siteKeys.forget(key);
    return revoked;
  });
}
