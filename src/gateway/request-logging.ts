import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

const REQUEST_ID_HEADER = 'x-request-id';
/** A caller's id is kept only if it is a short token: it is written into every line of the request. */
const safeRequestId = /^[\w.:-]{1,64}$/;

/** Fastify's `genReqId`: the balancer's (or client's) x-request-id when it is safe, else a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  return typeof offered === 'string' && safeRequestId.test(offered) ? offered : randomUUID();
}

/**
 * Every response names its request id (x-request-id), so a caller can quote it; each request is one
 * debug line (Fastify's own info lines are off), with query values left out: they may hold codes.
 */
export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: withoutQueryValues(request.url),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
}

/** `/callback?code=…&state=…` → `/callback?code&state`: which parameters came, not what they said. */
export function withoutQueryValues(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const names = [...new Set(new URLSearchParams(url.slice(start + 1)).keys())];
  return names.length > 0 ? `${url.slice(0, start)}?${names.join('&')}` : url.slice(0, start);
}
