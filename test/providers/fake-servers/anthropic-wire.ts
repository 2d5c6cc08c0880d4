import { argumentPieces, type FakeReply, textPieces } from './fake-script.js';

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** Messages streaming exactly as api.anthropic.com sends it, ping included. */
export function anthropicEvents(reply: FakeReply, model: string): string[] {
  const inputTokens = reply.inputTokens ?? 50;
  const events = [
    event('message_start', {
      message: {
        id: 'msg_fake1',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    }),
  ];
  let index = 0;
  if (reply.text) {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push(event('ping', {}));
    for (const piece of textPieces(reply.text)) {
      events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    }
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  for (const call of reply.toolCalls ?? []) {
    events.push(
      event('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: call.id ?? `toolu_fake${index}`, name: call.name, input: {} },
      }),
    );
    events.push(
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }),
    );
    for (const piece of argumentPieces(call.args)) {
      events.push(
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }),
      );
    }
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  const stopReason = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_use' : 'end_turn');
  events.push(
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: reply.outputTokens ?? 20 },
    }),
  );
  events.push(event('message_stop', {}));
  return events;
}

export function anthropicErrorBody(status: number): unknown {
  return status === 429
    ? {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your rate limit' },
      }
    : { type: 'error', error: { type: 'api_error', message: 'Internal server error' } };
}

export const anthropicMalformedEvent =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n';
