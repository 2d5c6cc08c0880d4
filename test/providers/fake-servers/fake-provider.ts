import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../support/environment.js';
import { anthropicErrorBody, anthropicEvents, anthropicMalformedEvent } from './anthropic-wire.js';
import { type FakeScript, type RecordedRequest, resolveScript, type ScriptSource } from './fake-script.js';
import { geminiErrorBody, geminiEvents, geminiMalformedEvent } from './gemini-wire.js';
import { openAIErrorBody, openAIEvents, openAIMalformedEvent } from './openai-wire.js';

export type FakeProviderKind = 'openai' | 'anthropic' | 'gemini';

export interface FakeProvider {
  kind: FakeProviderKind;
  /** What to give the SDK (or a deployment's baseURL). */
  baseURL: string;
  requests: RecordedRequest[];
  /** Requests whose connection the client closed before the response was complete. */
  clientClosed: number;
  /** Resolves on the next client-side close (abort propagation). */
  nextClientClose(): Promise<void>;
  setScript(source: ScriptSource): void;
  close(): Promise<void>;
}

interface Wire {
  events(reply: NonNullable<FakeScript['reply']>, model: string): string[];
  errorBody(status: number, retryAfterSeconds?: number): unknown;
  malformed: string;
  basePath: string;
}

const wires: Record<FakeProviderKind, Wire> = {
  openai: {
    events: openAIEvents,
    errorBody: openAIErrorBody,
    malformed: openAIMalformedEvent,
    basePath: '/v1',
  },
  anthropic: {
    events: anthropicEvents,
    errorBody: anthropicErrorBody,
    malformed: anthropicMalformedEvent,
    basePath: '',
  },
  gemini: { events: geminiEvents, errorBody: geminiErrorBody, malformed: geminiMalformedEvent, basePath: '' },
};

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function modelOf(kind: FakeProviderKind, request: RecordedRequest): string {
  if (kind === 'gemini') return /models\/([^:]+):/.exec(request.path)?.[1] ?? 'gemini-fake';
  const body = request.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : 'fake-model';
}

/**
 * Starts a local server that speaks one provider's real HTTP and SSE wire format, so the official SDK
 * can be pointed at it by base URL. `script` says what each request gets: a reply or a fault. Shared
 * with the chat and socket integration tests.
 */
export async function startFakeProvider(
  kind: FakeProviderKind,
  script: ScriptSource = {},
): Promise<FakeProvider> {
  const wire = wires[kind];
  let source = script;
  const sockets = new Set<Socket>();
  const closeWaiters: Array<() => void> = [];
  const fake: FakeProvider = {
    kind,
    baseURL: '',
    requests: [],
    clientClosed: 0,
    nextClientClose: () => new Promise((resolve) => closeWaiters.push(resolve)),
    setScript: (next) => {
      source = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const respond = async (request: IncomingMessage, response: ServerResponse) => {
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body: await readBody(request),
    };
    const index = fake.requests.length;
    fake.requests.push(recorded);
    const current = resolveScript(source, recorded, index);
    let finished = false;
    response.on('close', () => {
      if (finished) return;
      fake.clientClosed += 1;
      for (const resolve of closeWaiters.splice(0)) resolve();
    });
    await play(current, recorded, request, response);
    finished = true;
  };

  const play = async (
    current: FakeScript,
    recorded: RecordedRequest,
    request: IncomingMessage,
    response: ServerResponse,
  ) => {
    if (current.fault === 'reset') {
      request.socket.destroy();
      return;
    }
    if (current.fault === 'rate-limit' || current.fault === 'server-error') {
      const status = current.fault === 'rate-limit' ? 429 : 500;
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': String(current.retryAfterSeconds ?? 1) } : {}),
      });
      response.end(JSON.stringify(wire.errorBody(status, current.retryAfterSeconds)));
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    if (current.fault === 'slow-first-token') await pause(current.delayMs ?? 1000);
    const events = wire.events(
      current.reply ?? { text: 'Hello from the fake provider.' },
      modelOf(kind, recorded),
    );
    const cut = current.chunksBeforeFault ?? 3;
    for (const [position, event] of events.entries()) {
      if (response.destroyed) return;
      if (position === cut && current.fault === 'stall') {
        // Silent with the connection open, until the client gives up.
        await new Promise((resolve) => response.on('close', resolve));
        return;
      }
      if (position === cut && current.fault === 'break') {
        request.socket.destroy();
        return;
      }
      if (position === cut && current.fault === 'malformed') response.write(wire.malformed);
      response.write(event);
      await pause(current.chunkDelayMs ?? 2);
    }
    response.end();
  };

  const server = createServer((request, response) => {
    respond(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  fake.baseURL = `http://127.0.0.1:${port}${wire.basePath}`;
  return fake;
}
