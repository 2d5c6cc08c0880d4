import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EchoError } from '../errors.js';
import { normalizeOrigin } from '../protocol/index.js';
import { GUEST_TOKEN_PATH, REFRESH_TOKEN_PATH } from './routes/auth-routes.js';

/** Browsers may reuse a preflight this long (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 60;
const API_PREFIX = '/api/v1/';

/** API_CORS_ORIGINS as a set of normalized origins (empty: the API is for EchoTune's own page only). */
export function parseOrigins(list: string): Set<string> {
  return new Set(
    list
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0)
      .map((origin) => normalizeOrigin(origin))
      .filter((origin) => origin !== null),
  );
}

/**
 * Whether a page on another origin may read this answer of the guest-token route. The preflight carries
 * no body, so it cannot name its site key: every origin's preflight passes, and the request itself
 * decides. A request that names a site key may read its answer, because that answer is either a token
 * for an origin the key allows or the polite 403 the widget must be able to show (a page refused at the
 * preflight would only see a network error and retry forever). A request without a site key never may:
 * unscoped tokens are for EchoTune's own page, so other sites cannot hand them to their visitors.
 */
function guestTokenReadable(request: FastifyRequest): boolean {
  if (request.method === 'OPTIONS') return true;
  const body = request.body;
  return typeof body === 'object' && body !== null && typeof Reflect.get(body, 'siteKey') === 'string';
}

const allowedHeaders = ['content-type', 'authorization', 'x-request-id'];
/** A page on another site can read which request it was (for a support ticket) and when to retry. */
const exposedHeaders = ['x-request-id', 'retry-after'];

function corsFor(request: FastifyRequest, apiOrigins: Set<string>): FastifyCorsOptions {
  const path = request.url.split('?')[0] ?? '';
  // A widget renews its token where it got it; the route itself checks a widget token's origin.
  if (path === GUEST_TOKEN_PATH || path === REFRESH_TOKEN_PATH) {
    return {
      origin: path === REFRESH_TOKEN_PATH || guestTokenReadable(request),
      methods: ['POST'],
      allowedHeaders,
      exposedHeaders,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    };
  }
  const origin = request.headers.origin;
  const allowed =
    path.startsWith(API_PREFIX) && origin !== undefined && apiOrigins.has(normalizeOrigin(origin) ?? '');
  return {
    // true reflects the request's own origin; no credentials: the API takes bearer tokens, not cookies.
    origin: allowed,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders,
    exposedHeaders,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
}

/**
 * One CORS policy for REST: the widget's token routes are readable from its sites, the rest of the API
 * only from the origins in API_CORS_ORIGINS, and nothing else cross-origin (no headers: the browser
 * refuses). Widget files set their own headers where they are served.
 */
export async function registerCors(app: FastifyInstance, apiOrigins: Set<string>): Promise<void> {
  // The plugin refuses such a preflight in plain text; refusing it first gives the catalog's error shape.
  app.addHook('preHandler', async (request) => {
    const { origin, 'access-control-request-method': method } = request.headers;
    if (request.method === 'OPTIONS' && (!origin || !method)) {
      throw new EchoError(
        'invalid',
        'headers: OPTIONS is a CORS preflight here and needs Origin and Access-Control-Request-Method',
      );
    }
  });
  await app.register(fastifyCors, {
    // After body parsing, so the guest-token decision can see whether the request names a site key.
    hook: 'preHandler',
    delegator: async (request: FastifyRequest): Promise<FastifyCorsOptions> => corsFor(request, apiOrigins),
  });
}
