import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatService, SessionListSink } from '../../chat/index.js';
import { messagesQuerySchema, pageQuerySchema, sessionPatchSchema } from '../../protocol/index.js';
import {
  errorResponses,
  listenerSecurity,
  messagePageSchema,
  noContent,
  sessionPageSchema,
  sessionResponseSchema,
} from '../rest-schemas.js';

const sessionParamsSchema = z.object({ id: z.string().min(1).max(100) });

export interface SessionRoutesDependencies {
  chat: ChatService;
  /** Where a rename or delete is announced: every socket of the listener (and the session's room). */
  sink: SessionListSink;
}

const sessions = { tags: ['sessions'], security: listenerSecurity };

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRoutesDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/sessions',
    {
      schema: {
        ...sessions,
        summary: "The caller's sessions, newest first, page by page",
        querystring: pageQuerySchema,
        response: { 200: sessionPageSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => deps.chat.listSessions(request.userId, request.query),
  );

  api.patch(
    '/api/v1/sessions/:id',
    {
      schema: {
        ...sessions,
        summary: 'Renames a session (its sockets are told)',
        params: sessionParamsSchema,
        body: sessionPatchSchema,
        response: { 200: sessionResponseSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      deps.chat.renameSession(request.userId, request.params.id, request.body.title, deps.sink),
  );

  api.delete(
    '/api/v1/sessions/:id',
    {
      schema: {
        ...sessions,
        summary: 'Deletes a session and its messages (its running turn stops first)',
        params: sessionParamsSchema,
        response: { 204: noContent('Deleted'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deps.chat.deleteSession(request.userId, request.params.id, deps.sink);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/sessions/:id/messages',
    {
      schema: {
        ...sessions,
        summary: "A session's messages after a seq, oldest first",
        params: sessionParamsSchema,
        querystring: messagesQuerySchema,
        response: { 200: messagePageSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => deps.chat.listMessages(request.userId, request.params.id, request.query),
  );
}
