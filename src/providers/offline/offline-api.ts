import { z } from 'zod';

/**
 * What the offline model reads back from a `recommend_tracks` result. Loose on purpose: the engine
 * may add fields, and a track without artists still deserves a mention.
 */
export const recommendedTrackSummarySchema = z.looseObject({
  name: z.string(),
  artists: z.array(z.string()).default([]),
  genres: z.array(z.string()).optional(),
  reasons: z.array(z.string()).optional(),
});
export type RecommendedTrackSummary = z.infer<typeof recommendedTrackSummarySchema>;

export const recommendResultSchema = z.looseObject({
  tracks: z.array(recommendedTrackSummarySchema),
});

/** The intent fields the reply talks about, read from the tool call's arguments. */
export const intentSummarySchema = z.looseObject({
  mood: z.string().optional(),
  activity: z.string().optional(),
  seed_genres: z.array(z.string()).optional(),
  seed_artists: z.array(z.string()).optional(),
  target_tempo: z.number().optional(),
  min_tempo: z.number().optional(),
});
export type IntentSummary = z.infer<typeof intentSummarySchema>;
