import { z } from 'zod';

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
