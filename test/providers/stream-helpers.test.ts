import { describe, expect, it } from 'vitest';
import type { LanguageModel, StreamPart } from '../../src/providers/index.js';
import { ContinuationTrimmer } from '../../src/providers/router/continuation.js';
import { parseRetryAfter } from '../../src/providers/stream-helpers/provider-failure.js';
import { isToolCall, ToolCallAssembler } from '../../src/providers/stream-helpers/tool-call-assembler.js';
import { collect, textOf } from './support/collect.js';
import { fakeDeployment, testRouter, userRequest } from './support/deployments.js';

describe('ToolCallAssembler', () => {
  it('joins argument pieces per call and parses them once complete', () => {
    const assembler = new ToolCallAssembler();
    assembler.append(0, { id: 'call_a', name: 'recommend_tracks', argumentText: '{"mo' });
    assembler.append(1, { id: 'call_b', name: 'recommend_tracks', argumentText: '{}' });
    assembler.append(0, { argumentText: 'od":"calm"}' });
    const calls = assembler.completeAll();
    expect(calls).toEqual([
      { id: 'call_a', name: 'recommend_tracks', args: { mood: 'calm' } },
      { id: 'call_b', name: 'recommend_tracks', args: {} },
    ]);
  });

  it('reports arguments that are not JSON as a retryable failure', () => {
    const assembler = new ToolCallAssembler();
    assembler.append('block-1', { id: 'c', name: 'recommend_tracks', argumentText: '{"mood": "cal' });
    const result = assembler.complete('block-1');
    expect(result && isToolCall(result)).toBe(false);
    expect(result).toMatchObject({ retryable: true, message: expect.stringMatching(/not JSON/) });
  });
});

describe('ContinuationTrimmer', () => {
  it('drops a repeated beginning and keeps the rest', () => {
    const trimmer = new ContinuationTrimmer('Here are three calm ');
    expect(trimmer.push('Here are ')).toBe('');
    expect(trimmer.push('three calm tracks')).toBe('tracks');
    expect(trimmer.push(' for you.')).toBe(' for you.');
  });

  it('releases held text as soon as it stops matching', () => {
    const trimmer = new ContinuationTrimmer('Here are three');
    expect(trimmer.push('Her')).toBe('');
    expect(trimmer.push('b Alpert')).toBe('Herb Alpert');
  });

  it('passes everything through when there is nothing to continue', () => {
    expect(new ContinuationTrimmer('').push('hello')).toBe('hello');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '12' }))).toBe(12);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500' }))).toBe(1.5);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30);
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe('a stream that breaks after a complete tool call', () => {
  it('finishes the step with tool-calls instead of failing over', async () => {
    const model: LanguageModel = {
      provider: 'stub',
      model: 'breaks-late',
      async *stream(): AsyncIterable<StreamPart> {
        yield { type: 'text-delta', text: 'Let me look. ' };
        yield { type: 'tool-call', call: { id: 'c1', name: 'recommend_tracks', args: { mood: 'calm' } } };
        yield { type: 'error', error: { message: 'connection reset', retryable: true } };
      },
    };
    const { router } = testRouter([
      { ...fakeDeployment('late', 'openai', 'http://127.0.0.1:9'), languageModel: model },
    ]);
    const events = await collect(router.stream(userRequest()));
    expect(textOf(events)).toBe('Let me look. ');
    expect(events.filter((event) => event.type === 'tool-call')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'route')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });
});
