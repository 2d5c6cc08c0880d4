import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ModelRequest, StreamPart } from '../../src/providers/index.js';
import { recommendQuerySchema } from '../../src/recommend/index.js';
import { textPieces } from './fake-servers/fake-script.js';
import { type FakeProvider, startFakeProvider } from './fake-servers/index.js';
import { collect, textOf } from './support/collect.js';
import { type AdapterKind, modelFor, wireOf } from './support/models.js';
import { recommendTool } from './support/tools.js';

const replyText = 'Here are three calm tracks for your evening, chosen for their soft tempo.';
const toolArgs = { mood: 'calm', activity: 'study', seed_genres: ['jazz', 'lo-fi'], limit: 8 };

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [
      { role: 'system', content: 'You are EchoTune.' },
      { role: 'user', content: 'calm jazz to study' },
    ],
    tools: [recommendTool],
    signal: new AbortController().signal,
    ...overrides,
  };
}

function errorOf(parts: StreamPart[]) {
  const part = parts.find((candidate) => candidate.type === 'error');
  return part?.type === 'error' ? part.error : undefined;
}

/** One suite, every adapter: the same normalized parts from each provider's real wire format. */
describe.each<AdapterKind>(['openai', 'openai-compatible', 'anthropic', 'gemini'])('%s adapter', (kind) => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider(wireOf(kind));
  });
  afterAll(() => fake.close());
  const model = () => modelFor(kind, fake.baseURL);

  it('streams text in pieces, then usage and finish stop', async () => {
    fake.setScript({ reply: { text: replyText, inputTokens: 42, outputTokens: 17 } });
    const parts = await collect(model().stream(request()));
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(3);
    expect(textOf(parts)).toBe(replyText);
    expect(parts.at(-2)).toEqual({ type: 'usage', inputTokens: 42, outputTokens: 17 });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('assembles tool-call arguments streamed in pieces into parsed JSON', async () => {
    fake.setScript({ reply: { toolCalls: [{ id: 'call_abc', name: 'recommend_tracks', args: toolArgs }] } });
    const parts = await collect(model().stream(request()));
    const calls = parts.filter((part) => part.type === 'tool-call');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.type === 'tool-call' && calls[0].call.name).toBe('recommend_tracks');
    expect(calls[0]?.type === 'tool-call' && calls[0].call.args).toEqual(toolArgs);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('sends the tool schema and the conversation in the provider format', async () => {
    fake.setScript({ reply: { text: 'ok' } });
    await collect(
      model().stream(
        request({
          messages: [
            { role: 'system', content: 'You are EchoTune.' },
            { role: 'user', content: 'calm jazz' },
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ id: 'call_1', name: 'recommend_tracks', args: { mood: 'calm' } }],
            },
            { role: 'tool', toolCallId: 'call_1', toolName: 'recommend_tracks', content: '{"tracks":[]}' },
          ],
        }),
      ),
    );
    const sent = JSON.stringify(fake.requests.at(-1)?.body);
    expect(sent).toContain('recommend_tracks');
    expect(sent).toContain('You are EchoTune.');
    expect(sent).toContain('call_1');
    if (wireOf(kind) === 'openai') expect(sent).toContain('"include_usage":true');
    if (kind === 'gemini') expect(fake.requests.at(-1)?.path).toContain(':streamGenerateContent?alt=sse');
  });

  it('declares the real recommend_tracks schema (zod JSON Schema) without its $schema marker', async () => {
    fake.setScript({ reply: { text: 'ok' } });
    const inputSchema = z.toJSONSchema(recommendQuerySchema) as Record<string, unknown>;
    await collect(model().stream(request({ tools: [{ ...recommendTool, inputSchema }] })));
    const sent = JSON.stringify(fake.requests.at(-1)?.body);
    expect(sent).toContain('target_energy');
    expect(sent).not.toContain('$schema');
  });

  it('turns a 429 into a retryable error part carrying Retry-After', async () => {
    fake.setScript({ fault: 'rate-limit', retryAfterSeconds: 7 });
    const parts = await collect(model().stream(request()));
    expect(parts).toHaveLength(1);
    expect(errorOf(parts)).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 7 });
  });

  it('turns a 500 into a retryable error part, with no counts (the provider billed nothing)', async () => {
    fake.setScript({ fault: 'server-error' });
    const parts = await collect(model().stream(request()));
    expect(errorOf(parts)).toMatchObject({ status: 500, retryable: true });
    expect(parts.some((part) => part.type === 'usage')).toBe(false);
  });

  it('turns a connection reset into a retryable error part', async () => {
    fake.setScript({ fault: 'reset' });
    const parts = await collect(model().stream(request()));
    expect(errorOf(parts)?.retryable).toBe(true);
  });

  it('reports a stream broken mid-way as an error part after the text it got', async () => {
    fake.setScript({ reply: { text: replyText }, fault: 'break', chunksBeforeFault: 5 });
    const parts = await collect(model().stream(request()));
    expect(textOf(parts).length).toBeGreaterThan(0);
    expect(parts.at(-1)?.type).toBe('error');
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it('turns a malformed chunk into an error part instead of throwing, and the SDK prints nothing', async () => {
    fake.setScript({ reply: { text: replyText }, fault: 'malformed', chunksBeforeFault: 5 });
    // The service's logs are JSON lines; an SDK's own console output would break them.
    const printed = ['error', 'warn', 'log', 'info'].map((method) =>
      vi.spyOn(console, method as 'error').mockImplementation(() => undefined),
    );
    try {
      const parts = await collect(model().stream(request()));
      expect(parts.at(-1)?.type).toBe('error');
      expect(errorOf(parts)?.retryable).toBe(true);
      for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
  });

  it('passes the abort signal to the SDK: the server sees the connection close', async () => {
    fake.setScript({ reply: { text: replyText }, fault: 'stall', chunksBeforeFault: 5 });
    const controller = new AbortController();
    const closed = fake.nextClientClose();
    const parts: StreamPart[] = [];
    const consuming = (async () => {
      for await (const part of model().stream(request({ signal: controller.signal }))) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })();
    await closed;
    await consuming;
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(1);
    expect(parts.some((part) => part.type === 'error')).toBe(false);
  });
});

describe('token counts as the provider reports them', () => {
  it('anthropic: the counts of message_start come before the first text', async () => {
    const fake = await startFakeProvider('anthropic', { reply: { text: replyText, inputTokens: 80 } });
    try {
      const parts = await collect(modelFor('anthropic', fake.baseURL).stream(request()));
      const firstText = parts.findIndex((part) => part.type === 'text-delta');
      expect(parts.findIndex((part) => part.type === 'usage')).toBeLessThan(firstText);
      expect(parts[0]).toEqual({ type: 'usage', inputTokens: 80, outputTokens: 1 });
    } finally {
      await fake.close();
    }
  });

  it('openai: the usage chunk still counts when the connection drops before [DONE]', async () => {
    const fake = await startFakeProvider('openai');
    try {
      // Role chunk, text pieces, finish chunk, usage chunk: then the drop.
      const chunks = textPieces(replyText).length + 3;
      fake.setScript({
        reply: { text: replyText, inputTokens: 42, outputTokens: 17 },
        fault: 'break',
        chunksBeforeFault: chunks,
      });
      const parts = await collect(modelFor('openai', fake.baseURL).stream(request()));
      expect(parts.slice(-2).map((part) => part.type)).toEqual(['usage', 'error']);
      expect(parts.at(-2)).toEqual({ type: 'usage', inputTokens: 42, outputTokens: 17 });
    } finally {
      await fake.close();
    }
  });
});

describe('continuing a broken reply', () => {
  it('anthropic prefills the partial answer as the assistant turn', async () => {
    const fake = await startFakeProvider('anthropic', { reply: { text: ' and more.' } });
    try {
      const parts = await collect(
        modelFor('anthropic', fake.baseURL).stream(request({ continueFrom: 'Here are ' })),
      );
      const body = fake.requests[0]?.body as { messages: Array<{ role: string; content: unknown }> };
      expect(body.messages.at(-1)).toEqual({
        role: 'assistant',
        content: [{ type: 'text', text: 'Here are' }],
      });
      expect(textOf(parts)).toBe('and more.');
    } finally {
      await fake.close();
    }
  });

  it('openai gets the partial answer and a continue instruction', async () => {
    const fake = await startFakeProvider('openai', { reply: { text: 'more.' } });
    try {
      await collect(modelFor('openai', fake.baseURL).stream(request({ continueFrom: 'Here are ' })));
      const body = fake.requests[0]?.body as { messages: Array<{ role: string; content: unknown }> };
      expect(body.messages.at(-2)).toEqual({ role: 'assistant', content: 'Here are ' });
      expect(body.messages.at(-1)?.role).toBe('user');
      expect(String(body.messages.at(-1)?.content)).toMatch(/continue/i);
    } finally {
      await fake.close();
    }
  });
});
