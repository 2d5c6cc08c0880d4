import type { Socket } from 'node:net';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import type { z } from 'zod';
import { EchoError, invalid, toEchoError } from '../errors.js';
import type { ErrorCode } from '../protocol/index.js';
import { MethodsByPath } from './methods-by-path.js';

/** Parses an HTTP input with its zod schema; failures name the field and the problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw invalid(result.error.issues.map((issue) => ({ ...issue, path: [where, ...issue.path] })));
}

/** Client errors that Fastify, its plugins (static files, multipart, rate limit) and Node raise, by status. */
const codeByStatus: Partial<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** Fastify's content-type parser errors are about the body; say so, as the zod errors name their field. */
const BODY_ERROR = /^FST_ERR_CTP_/;

function statusOf(error: FastifyError & { status?: unknown }): number | undefined {
  const status = error.statusCode ?? error.status;
  return typeof status === 'number' ? status : undefined;
}

/** Any error a request produced, as one of the catalog's: a client's mistake is never `internal`. */
export function fromRequestError(error: FastifyError): EchoError {
  if (error instanceof EchoError) return error;
  const status = statusOf(error);
  if (status === undefined || status >= 500) return toEchoError(error);
  const code = codeByStatus[status];
  if (code !== undefined) return new EchoError(code, error.message || undefined, { cause: error });
  const message = BODY_ERROR.test(error.code ?? '') ? `body: ${error.message}` : error.message;
  return new EchoError('invalid', message || undefined, { cause: error });
}

function send(reply: FastifyReply, error: EchoError): void {
  void reply.status(error.status).send({ error: error.toPayload() });
}

/**
 * Errors raised before a route is chosen (a URL that does not decode, an over-long parameter): Fastify
 * answers them outside the error handler unless told how, so they take the catalog's shape here too.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) => {
  const echo =
    error.code === 'FST_ERR_BAD_URL'
      ? new EchoError('invalid', 'url: not a valid percent-encoded path', { cause: error })
      : fromRequestError(error);
  send(reply, echo);
};

/** What Node's parser refuses, by its error code; anything else it refuses is not HTTP. */
const parserRefusals: Record<string, { status: number; reason: string; error: () => EchoError }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    error: () => new EchoError('headers_too_large'),
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    error: () => new EchoError('invalid', 'The request took too long to arrive'),
  },
};
const notHttp = {
  status: 400,
  reason: 'Bad Request',
  error: () => new EchoError('invalid', 'request: not valid HTTP'),
};

/** Requests Node's parser refuses (over-large headers, malformed request lines) get the same body shape. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = parserRefusals[error.code ?? ''] ?? notHttp;
  const body = JSON.stringify({ error: refusal.error().toPayload() });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** One error shape for every REST failure: `{ error: { code, message, retryable } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  const methods = new MethodsByPath();
  app.addHook('onRoute', (route) => methods.add(route.method, route.url));
  app.setErrorHandler((caught: FastifyError, request, reply) => {
    const error = fromRequestError(caught);
    if (error.code === 'internal') request.log.error({ err: caught }, 'request failed');
    send(reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.allowed(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      send(reply, new EchoError('method_not_allowed', `${path} takes ${allowed.join(', ')}`));
      return;
    }
    send(reply, new EchoError('not_found', `No route for ${request.method} ${path}`));
  });
}
