import { createServer } from 'node:http';
import OpenAI from 'openai';
import { Server } from 'socket.io';
import { nodeHttpFetch } from '../../src/providers/openai/node-http-fetch.js';
import { answerFigures } from './figures.js';

/** Socket.io events of the bare relay: `send` in; `delta`, `done` or `failed` out. */
export const RELAY_EVENTS = { send: 'send', delta: 'delta', done: 'done', failed: 'failed' } as const;

/**
 * The same hops as EchoTune with none of its work: a socket.io server whose `send` streams a completion
 * through the OpenAI SDK (on the same node:http fetch EchoTune uses) and emits every text piece at once.
 * No authentication, store, router, context, pacing or accounting: the floor of this architecture.
 */
export function runRelay(port: number, baseURL: string): void {
  const client = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0, fetch: nodeHttpFetch });
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  io.on('connection', (socket) => {
    socket.on(RELAY_EVENTS.send, async (text: string) => {
      try {
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: text }],
          stream: true,
        });
        for await (const part of stream) {
          const content = part.choices[0]?.delta.content;
          if (content) socket.emit(RELAY_EVENTS.delta, content);
        }
        socket.emit(RELAY_EVENTS.done);
      } catch (error) {
        socket.emit(RELAY_EVENTS.failed, error instanceof Error ? error.message : String(error));
      }
    });
  });
  answerFigures();
  process.once('SIGINT', () => process.exit(0));
  http.listen(port, '127.0.0.1', () => process.send?.('ready'));
}
