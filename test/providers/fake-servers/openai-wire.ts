import { argumentPieces, type FakeReply, textPieces } from './fake-script.js';

/** Chat Completions streaming exactly as api.openai.com sends it (chat.completion.chunk + [DONE]). */
export function openAIEvents(reply: FakeReply, model: string): string[] {
  const base = { id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created: 1_763_700_000, model };
  const chunk = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ ...base, system_fingerprint: 'fp_fake', choices: choice ? [{ index: 0, logprobs: null, ...choice }] : [], ...extra })}\n\n`;
  const events = [chunk({ delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null })];
  for (const piece of textPieces(reply.text ?? ''))
    events.push(chunk({ delta: { content: piece }, finish_reason: null }));
  (reply.toolCalls ?? []).forEach((call, index) => {
    events.push(
      chunk({
        delta: {
          tool_calls: [
            {
              index,
              id: call.id ?? `call_fake${index}`,
              type: 'function',
              function: { name: call.name, arguments: '' },
            },
          ],
        },
        finish_reason: null,
      }),
    );
    for (const piece of argumentPieces(call.args)) {
      events.push(
        chunk({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }),
      );
    }
  });
  const finish = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
  events.push(chunk({ delta: {}, finish_reason: finish }));
  const inputTokens = reply.inputTokens ?? 50;
  const outputTokens = reply.outputTokens ?? 20;
  events.push(
    chunk(null, {
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
    }),
  );
  events.push('data: [DONE]\n\n');
  return events;
}

export function openAIErrorBody(status: number): unknown {
  return status === 429
    ? {
        error: {
          message: 'Rate limit reached for requests',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      }
    : {
        error: {
          message: 'The server had an error while processing your request.',
          type: 'server_error',
          param: null,
          code: null,
        },
      };
}

export const openAIMalformedEvent = 'data: {"id":"chatcmpl-fake1","choices":[{"delta":{"content":"oops\n\n';
