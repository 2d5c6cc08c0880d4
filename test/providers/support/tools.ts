import { offlineRecommendTool } from '../../../src/chat/index.js';
import type { ToolDefinition } from '../../../src/providers/index.js';

/** A stand-in for chat's recommend_tracks definition (the real schema comes from zod). */
export const recommendTool: ToolDefinition = {
  name: 'recommend_tracks',
  description: 'Recommend tracks from the catalog',
  inputSchema: {
    type: 'object',
    properties: {
      mood: { type: 'string' },
      activity: { type: 'string' },
      seed_genres: { type: 'array', items: { type: 'string' } },
      limit: { type: 'integer' },
    },
    additionalProperties: false,
  },
};

/** A small intent reader standing in for the engine's. */
export function extractIntent(text: string): Record<string, unknown> {
  const intent: Record<string, unknown> = {};
  if (/calm|chill/i.test(text)) intent.mood = 'calm';
  if (/study|focus/i.test(text)) intent.activity = 'study';
  if (/jazz/i.test(text)) intent.seed_genres = ['jazz'];
  return intent;
}

/** chat's recommend_tracks as the offline model calls it, reading intent with the reader above. */
export const offlineTool = offlineRecommendTool((text) => ({ query: extractIntent(text), readable: true }));
