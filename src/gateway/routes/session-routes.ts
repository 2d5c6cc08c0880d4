import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatService, SessionListSink } from '../../chat/index.js';
import { messagesQuerySchema, pageQuerySchema, sessionPatchSchema } from '../../protocol/index.js';
import { parseInput } from '../http-errors.js';

const sessionParamsSchema = z.object({ id: z.string().min(1).max(100) });

export interface SessionRoutesDependencies {
  chat: ChatService;
  /** Where a rename or delete is announced: every socket of the listener (and the session's room). */
  sink: SessionListSink;
}

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRoutesDependencies): void {
  app.get('/api/v1/sessions', async (request) => {
    const page = parseInput(pageQuerySchema, request.query, 'query');
    return deps.chat.listSessions(request.userId, page);
  });

  app.patch('/api/v1/sessions/:id', async (request) => {
    const { id } = parseInput(sessionParamsSchema, request.params, 'params');
    const { title } = parseInput(sessionPatchSchema, request.body, 'body');
    return deps.chat.renameSession(request.userId, id, title, deps.sink);
  });

  app.delete('/api/v1/sessions/:id', async (request, reply) => {
    const { id } = parseInput(sessionParamsSchema, request.params, 'params');
    await deps.chat.deleteSession(request.userId, id, deps.sink);
    return reply.status(204).send();
  });

  app.get('/api/v1/sessions/:id/messages', async (request) => {
    const { id } = parseInput(sessionParamsSchema, request.params, 'params');
    const query = parseInput(messagesQuerySchema, request.query, 'query');
    return deps.chat.listMessages(request.userId, id, query);
  });
}
