import type { FakeScript } from './index.js';

export const UPBEAT_REPLY =
  'Here is an upbeat set for your run. For the cool-down, try "Clair de Lune" by Claude Debussy.';

/** First step of a turn: call the tool. After the tool result is in the prompt: answer in words. */
export function toolThenReply(request: { body: unknown }): FakeScript {
  const answered = JSON.stringify(request.body).includes('recommendationId');
  return answered
    ? { reply: { text: UPBEAT_REPLY, inputTokens: 900, outputTokens: 40 } }
    : {
        reply: {
          toolCalls: [{ name: 'recommend_tracks', args: { mood: 'upbeat', activity: 'running', limit: 6 } }],
          inputTokens: 700,
          outputTokens: 30,
        },
      };
}
