import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { EchoError } from '../errors.js';
import { parseInput } from './http-errors.js';

/** How a failure names the part of the request: `query.limit`, as parseInput always has. */
const partNames: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/**
 * Routes declare zod schemas (`schema: { body, querystring, params, response }`) which the OpenAPI
 * document is generated from. Requests are validated with them as parseInput would: a failure is an
 * `invalid` EchoError naming the field (`body.title: must not be empty`), so the error handler answers
 * it like any other. A missing body is read as `{}`, so an all-optional body may be left out.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const where = partNames[httpPart ?? 'body'] ?? 'body';
  return (data: unknown) => {
    try {
      return { value: parseInput(schema, data, where) };
    } catch (error) {
      if (error instanceof EchoError) return { error };
      throw error;
    }
  };
};

/**
 * Requests are validated with their route's zod schemas, and responses are written through theirs
 * (unknown keys dropped, a reply that breaks its schema is an internal error), so what the document
 * says is what the wire carries.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
