import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatService } from '../../chat/index.js';
import { messagesQuerySchema, pageQuerySchema } from '../../protocol/index.js';
import { parseInput } from '../http-errors.js';

const sessionParamsSchema = z.object({ id: z.string().min(1).max(100) });

export function registerSessionRoutes(app: FastifyInstance, deps: { chat: ChatService }): void {
  app.get('/api/v1/sessions', async (request) => {
    const page = parseInput(pageQuerySchema, request.query, 'query');
    return deps.chat.listSessions(request.userId, page);
  });

  app.get('/api/v1/sessions/:id/messages', async (request) => {
    const { id } = parseInput(sessionParamsSchema, request.params, 'params');
    const query = parseInput(messagesQuerySchema, request.query, 'query');
    return deps.chat.listMessages(request.userId, id, query);
  });
}
