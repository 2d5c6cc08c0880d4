import type { ChatMessage, ToolCall } from '../providers/index.js';
import { toRecommendedTrack } from '../recommend/index.js';
import type { TurnProgress } from '../store/index.js';
import type { ChatStore } from './chat-store.js';
import { RECOMMEND_TRACKS, toolResultContent } from './recommend-tracks-tool.js';

/**
 * The tool calls a turn finished elsewhere had made, rebuilt from its stored recommendations, so the
 * model continuing it knows which tracks it is talking about.
 */
export async function resumedToolExchange(
  store: Pick<ChatStore, 'getRecommendation' | 'getTracks'>,
  resume: TurnProgress,
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (const recommendationId of resume.recommendationIds) {
    const recommendation = await store.getRecommendation(recommendationId);
    if (!recommendation) continue;
    const stored = await store.getTracks(recommendation.tracks.map((item) => item.trackId));
    const byId = new Map(stored.map((track) => [track.id, track]));
    const tracks = recommendation.tracks.flatMap((item) => {
      const track = byId.get(item.trackId);
      return track ? [toRecommendedTrack(track, item.score, item.reasons)] : [];
    });
    const call: ToolCall = {
      id: `resumed_${recommendationId}`,
      name: RECOMMEND_TRACKS,
      args: recommendation.query,
    };
    messages.push(
      { role: 'assistant', content: '', toolCalls: [call] },
      {
        role: 'tool',
        toolCallId: call.id,
        toolName: call.name,
        content: toolResultContent(recommendationId, tracks),
      },
    );
  }
  return messages;
}
