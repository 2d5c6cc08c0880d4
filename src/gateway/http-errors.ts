import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { EchoError, invalid, toEchoError } from '../errors.js';

/** Parses an HTTP input with its zod schema; failures name the field and the problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw invalid(result.error.issues.map((issue) => ({ ...issue, path: [where, ...issue.path] })));
}

function fromFastifyError(error: FastifyError): EchoError {
  if (error.statusCode === 413) return new EchoError('payload_too_large', error.message, { cause: error });
  if (error.statusCode === 429) return new EchoError('rate_limited', error.message, { cause: error });
  if (error.statusCode === 415 || error.statusCode === 400) {
    return new EchoError('invalid', `body: ${error.message}`, { cause: error });
  }
  return toEchoError(error);
}

/** One error shape for every REST failure: `{ error: { code, message, retryable } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((caught: FastifyError, request, reply) => {
    const error = caught instanceof EchoError ? caught : fromFastifyError(caught);
    if (error.code === 'internal') request.log.error({ err: caught }, 'request failed');
    void reply.status(error.status).send({ error: error.toPayload() });
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new EchoError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(404).send({ error: error.toPayload() });
  });
}
