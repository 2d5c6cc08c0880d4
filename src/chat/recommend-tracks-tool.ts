import { z } from 'zod';
import { describeIssues } from '../errors.js';
import type { RecommendedTrack } from '../protocol/index.js';
import type { OfflineConversation, OfflineTool, ToolDefinition } from '../providers/index.js';
import { type RecommendQuery, recommendQuerySchema } from '../recommend/index.js';

export const RECOMMEND_TRACKS = 'recommend_tracks';

/** Defined once; each provider adapter converts this JSON Schema into its own tool format. */
export const recommendTracksTool: ToolDefinition = {
  name: RECOMMEND_TRACKS,
  description:
    'Find real tracks from the EchoTune catalog. Use it whenever the listener wants music. Describe the ' +
    'wish with seeds (track ids, artist names, genres), target_/min_/max_ audio features (0..1 except ' +
    'tempo in BPM, loudness in dB, popularity 0..100), and/or a mood or activity word. Returns tracks ' +
    'with reasons; mention them by title and artist in your reply.',
  inputSchema: z.toJSONSchema(recommendQuerySchema, { io: 'input' }) as Record<string, unknown>,
};

export type ParsedToolArguments = { ok: true; query: RecommendQuery } | { ok: false; problem: string };

export function parseRecommendArguments(args: unknown): ParsedToolArguments {
  const result = recommendQuerySchema.safeParse(args);
  if (result.success) return { ok: true, query: result.data };
  return { ok: false, problem: describeIssues(result.error.issues) };
}

/** The compact view of results the model reads back: enough to talk about the tracks, no more. */
export function toolResultContent(
  recommendationId: string,
  tracks: RecommendedTrack[],
  notes: readonly string[] = [],
): string {
  return JSON.stringify({
    recommendationId,
    // What the engine could not do as asked (an unknown genre, repeats): the reply should say so.
    ...(notes.length > 0 ? { notes } : {}),
    tracks: tracks.map((track) => ({
      id: track.id,
      name: track.name,
      artists: track.artists,
      album: track.album,
      genres: track.genres,
      reasons: track.reasons,
    })),
  });
}

/** What a tool result reads back as; loose, so a track without artists still deserves a mention. */
const toolResultSchema = z.looseObject({
  notes: z.array(z.string()).optional(),
  tracks: z.array(
    z.looseObject({
      name: z.string(),
      artists: z.array(z.string()).default([]),
      genres: z.array(z.string()).optional(),
      reasons: z.array(z.string()).optional(),
    }),
  ),
});

/** Reads back what toolResultContent wrote; undefined for anything else. */
function readToolResultContent(content: string): z.infer<typeof toolResultSchema> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  const result = toolResultSchema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/**
 * recommend_tracks as the offline model calls it: the same name and result, with the arguments read
 * from the listener's words by the given intent reader (the recommendation engine's).
 */
export function offlineRecommendTool(
  understand: (
    text: string,
    conversation: OfflineConversation,
  ) => { query: Record<string, unknown>; readable: boolean },
): OfflineTool {
  return {
    name: RECOMMEND_TRACKS,
    argumentsFor: (text, conversation) => {
      const understood = understand(text, conversation);
      return understood.readable ? understood.query : null;
    },
    readResult: readToolResultContent,
  };
}
