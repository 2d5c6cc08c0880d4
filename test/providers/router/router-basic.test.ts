import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { isEchoError } from '../../../src/errors.js';
import { createProviders } from '../../../src/providers/index.js';
import { collect, collectUntilError, textOf } from '../support/collect.js';
import { silentLogger } from '../support/silent-logger.js';
import { offlineTool, recommendTool } from '../support/tools.js';

describe('createProviders without keys', () => {
  const { router, deployments } = createProviders({
    config: loadConfig({}),
    logger: silentLogger(),
    offlineTool,
  });

  it('offers only the offline deployment', () => {
    expect(
      deployments.map(({ id, provider, model, inputPricePerMillion, outputPricePerMillion }) => ({
        id,
        provider,
        model,
        inputPricePerMillion,
        outputPricePerMillion,
      })),
    ).toEqual([
      {
        id: 'offline',
        provider: 'offline',
        model: 'offline-intent-v1',
        inputPricePerMillion: 0,
        outputPricePerMillion: 0,
      },
    ]);
  });

  it('streams route, the tool call, an attempt with tokens and cost, then finish', async () => {
    const events = await collect(
      router.stream({
        messages: [{ role: 'user', content: 'calm music to study' }],
        tools: [recommendTool],
        signal: new AbortController().signal,
        userId: 'u1',
      }),
    );
    expect(events.map((event) => event.type)).toEqual(['route', 'tool-call', 'attempt', 'finish']);
    expect(events[0]).toMatchObject({
      type: 'route',
      deploymentId: 'offline',
      provider: 'offline',
      attempt: 1,
    });
    const attempt = events[2];
    expect(attempt?.type === 'attempt' && attempt.attempt).toMatchObject({
      deploymentId: 'offline',
      outcome: 'ok',
      costUsd: 0,
    });
    expect(attempt?.type === 'attempt' && attempt.attempt.inputTokens).toBeGreaterThan(0);
    expect(attempt?.type === 'attempt' && attempt.attempt.ttftMs).not.toBeNull();
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('streams the reply text of the second step', async () => {
    const events = await collect(
      router.stream({
        messages: [
          { role: 'user', content: 'calm music' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'c1', name: 'recommend_tracks', args: { mood: 'calm' } }],
          },
          {
            role: 'tool',
            toolCallId: 'c1',
            toolName: 'recommend_tracks',
            content: JSON.stringify({ tracks: [{ name: 'Weightless', artists: ['Marconi Union'] }] }),
          },
        ],
        tools: [recommendTool],
        signal: new AbortController().signal,
        userId: 'u1',
      }),
    );
    expect(textOf(events)).toContain('Weightless');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('throws cancelled after reporting the cancelled attempt when the signal aborts', async () => {
    const controller = new AbortController();
    const stream = router.stream({
      messages: [
        { role: 'user', content: 'calm music' },
        { role: 'tool', toolCallId: 'c1', toolName: 'recommend_tracks', content: '{"tracks":[]}' },
      ],
      tools: [recommendTool],
      signal: controller.signal,
      userId: 'u1',
    });
    const events = [];
    let caught: unknown;
    try {
      for await (const event of stream) {
        events.push(event);
        if (event.type === 'text-delta') controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(isEchoError(caught) && caught.code).toBe('cancelled');
    const attempt = events.find((event) => event.type === 'attempt');
    expect(attempt?.type === 'attempt' && attempt.attempt.outcome).toBe('cancelled');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it('reports status for every deployment', async () => {
    const { error } = await collectUntilError(
      router.stream({
        messages: [{ role: 'user', content: 'hi' }],
        tools: [recommendTool],
        signal: new AbortController().signal,
        userId: 'u1',
      }),
    );
    expect(error).toBeUndefined();
    const [status] = router.status();
    expect(status).toMatchObject({ id: 'offline', circuit: 'closed' });
    expect(status?.requests).toBeGreaterThan(0);
  });
});
