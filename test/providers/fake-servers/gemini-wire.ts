import type { FakeReply } from './fake-script.js';
import { textPieces } from './fake-script.js';

/** streamGenerateContent?alt=sse exactly as generativelanguage.googleapis.com sends it (CRLF framing). */
export function geminiEvents(reply: FakeReply, model: string): string[] {
  const inputTokens = reply.inputTokens ?? 50;
  const outputTokens = reply.outputTokens ?? 20;
  const usage = (candidates: number) => ({
    promptTokenCount: inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: inputTokens + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }],
  });
  const chunk = (parts: unknown[], finishReason?: string, candidates = 0) =>
    `data: ${JSON.stringify({
      candidates: [
        { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 },
      ],
      usageMetadata: usage(candidates),
      modelVersion: model,
      responseId: 'fake-response-1',
    })}\r\n\r\n`;
  const pieces = textPieces(reply.text ?? '');
  const calls = (reply.toolCalls ?? []).map((call) => ({
    functionCall: { name: call.name, args: call.args },
    thoughtSignature: 'c2lnbmF0dXJl',
  }));
  const events = pieces.map((piece) => chunk([{ text: piece }]));
  const finish = reply.finishReason ?? 'STOP';
  events.push(chunk(calls.length > 0 ? calls : [{ text: '' }], finish, outputTokens));
  return events;
}

export function geminiErrorBody(status: number, retryAfterSeconds?: number): unknown {
  if (status === 429) {
    return {
      error: {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds ?? 1}s` },
        ],
      },
    };
  }
  return { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } };
}

export const geminiMalformedEvent = 'data: {"candidates":[{"content":{"parts":[{"text":"oo\r\n\r\n';
