import { describe, expect, it } from 'vitest';
import { offlineRecommendTool } from '../../src/chat/index.js';
import type { ChatMessage, StreamPart } from '../../src/providers/index.js';
import { OfflineModel } from '../../src/providers/index.js';
import { splitIntoPieces } from '../../src/providers/offline/index.js';
import { collect, textOf } from './support/collect.js';
import { offlineTool, recommendTool } from './support/tools.js';

const tracks = [
  { id: 't1', name: 'Weightless', artists: ['Marconi Union'], reasons: ['low energy'] },
  { id: 't2', name: 'Holocene', artists: ['Bon Iver'] },
  { id: 't3', name: 'Clair de Lune', artists: ['Claude Debussy'] },
  { id: 't4', name: 'Night Owl', artists: ['Galimatias'] },
  { id: 't5', name: 'Sunset Lover', artists: ['Petit Biscuit'] },
];

function conversationWithResult(content: string, isError = false): ChatMessage[] {
  return [
    { role: 'user', content: 'something calm for study' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_1', name: 'recommend_tracks', args: { mood: 'calm', activity: 'study', limit: 8 } },
      ],
    },
    { role: 'tool', toolCallId: 'call_1', toolName: 'recommend_tracks', content, isError },
  ];
}

describe('OfflineModel', () => {
  const model = new OfflineModel({ tool: offlineTool, chunkDelayMs: 1 });

  it('calls recommend_tracks with the intent read from the last user message, adding limit 8', async () => {
    const parts = await collect(
      model.stream({
        messages: [{ role: 'user', content: 'calm jazz to study' }],
        tools: [recommendTool],
        signal: new AbortController().signal,
      }),
    );
    const call = parts.find((part) => part.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.call.name).toBe('recommend_tracks');
    expect(call?.type === 'tool-call' && call.call.args).toEqual({
      mood: 'calm',
      activity: 'study',
      seed_genres: ['jazz'],
      limit: 8,
    });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    expect(parts.some((part) => part.type === 'usage' && part.inputTokens > 0)).toBe(true);
  });

  it('keeps a limit the intent already has', async () => {
    const withLimit = new OfflineModel({
      tool: offlineRecommendTool(() => ({ query: { limit: 3 }, readable: true })),
    });
    const parts = await collect(
      withLimit.stream({
        messages: [{ role: 'user', content: 'three songs' }],
        tools: [recommendTool],
        signal: new AbortController().signal,
      }),
    );
    const call = parts.find((part) => part.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.call.args).toEqual({ limit: 3 });
  });

  it('describes several tracks by name and artist and says why, in small streamed pieces', async () => {
    const parts = await collect(
      model.stream({
        messages: conversationWithResult(JSON.stringify({ tracks, warnings: [] })),
        tools: [recommendTool],
        signal: new AbortController().signal,
      }),
    );
    const deltas = parts.filter((part) => part.type === 'text-delta');
    const text = textOf(parts);
    expect(deltas.length).toBeGreaterThan(5);
    for (const delta of deltas) expect(delta.text.trim().split(/\s+/).length).toBeLessThanOrEqual(3);
    expect(text).toContain('Weightless');
    expect(text).toContain('Marconi Union');
    expect(text).toContain('Holocene');
    expect(text).toContain('Bon Iver');
    expect(text).toMatch(/calm/);
    expect(text).toMatch(/study/);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    const usage = parts.find((part) => part.type === 'usage');
    expect(usage?.type === 'usage' && usage.outputTokens).toBe(Math.ceil(text.length / 4));
    // Its own count, not a provider's: the turn's usage says so.
    expect(usage?.type === 'usage' && usage.estimated).toBe(true);
  });

  it('apologises for a tool error result', async () => {
    const parts = await collect(
      model.stream({
        messages: conversationWithResult('{"error":"catalog offline"}', true),
        tools: [recommendTool],
        signal: new AbortController().signal,
      }),
    );
    expect(textOf(parts)).toMatch(/sorry/i);
  });

  it('apologises for a result that is not JSON', async () => {
    const parts = await collect(
      model.stream({
        messages: conversationWithResult('not json'),
        tools: [recommendTool],
        signal: new AbortController().signal,
      }),
    );
    expect(textOf(parts)).toMatch(/sorry/i);
  });

  it('stops promptly and emits nothing more once the signal aborts', async () => {
    const slow = new OfflineModel({ tool: offlineTool, chunkDelayMs: 2_000 });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const started = performance.now();
    for await (const part of slow.stream({
      messages: conversationWithResult(JSON.stringify({ tracks })),
      tools: [recommendTool],
      signal: controller.signal,
    })) {
      parts.push(part);
      controller.abort();
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(parts).toHaveLength(1);
  });

  it('emits nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const parts = await collect(
      model.stream({
        messages: [{ role: 'user', content: 'hi' }],
        tools: [recommendTool],
        signal: controller.signal,
      }),
    );
    expect(parts).toEqual([]);
  });

  it('splits text into pieces that join back to the same text', () => {
    const text = 'one two  three four five six seven';
    expect(splitIntoPieces(text).join('')).toBe(text);
  });
});
