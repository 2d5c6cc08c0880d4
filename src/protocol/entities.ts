import { z } from 'zod';

/** Records as they travel on the wire. Times are ISO 8601 strings in UTC. */

export const audioFeatureNames = [
  'danceability',
  'energy',
  'valence',
  'tempo',
  'acousticness',
  'instrumentalness',
  'speechiness',
  'liveness',
  'loudness',
  'key',
  'mode',
] as const;
export type AudioFeatureName = (typeof audioFeatureNames)[number];
/** One number per audio feature, built from the list so the list is the only place a name is spelled. */
const audioFeatureShape = Object.fromEntries(audioFeatureNames.map((name) => [name, z.number()])) as Record<
  AudioFeatureName,
  z.ZodNumber
>;

export const sessionSchema = z.object({
  id: z.string(),
  userId: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeq: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

/** One upstream attempt inside a turn (a turn may fail over between deployments). */
const attemptSchema = z.object({
  deploymentId: z.string(),
  provider: z.string(),
  model: z.string(),
  outcome: z.enum(['ok', 'error', 'cancelled']),
  error: z.string().optional(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  /**
   * True when the tokens are (partly) an estimate: the stream broke after output began and before the
   * provider reported its counts. Absent: the provider's own counts, or nothing billed.
   */
  estimated: z.boolean().optional(),
  ttftMs: z.number().nullable(),
  totalMs: z.number(),
});
export type Attempt = z.infer<typeof attemptSchema>;

const assistantMetaSchema = z.object({
  turnId: z.string(),
  /** The id of the user message this reply answers (absent in replies stored before it was recorded). */
  replyTo: z.string().optional(),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  /** True when any attempt's tokens are an estimate (see the attempt's `estimated`). */
  estimated: z.boolean().optional(),
  ttftMs: z.number().nullable(),
  totalMs: z.number(),
  attempts: z.array(attemptSchema),
  recommendationIds: z.array(z.string()),
  finishReason: z.string(),
});
export type AssistantMeta = z.infer<typeof assistantMetaSchema>;

export const messageSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  seq: z.number().int(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  clientMsgId: z.string().nullable(),
  createdAt: z.string(),
  meta: assistantMetaSchema.nullable(),
});
export type Message = z.infer<typeof messageSchema>;

export const recommendedTrackSchema = z.object({
  id: z.string(),
  name: z.string(),
  artists: z.array(z.string()),
  album: z.string(),
  /** As the catalog has it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; null when unknown. */
  releaseDate: z.string().nullable(),
  genres: z.array(z.string()),
  features: z.record(z.string(), z.number()),
  /** True when the audio features were derived by rule (from the genre) rather than measured. */
  estimated: z.boolean(),
  popularity: z.number(),
  score: z.number(),
  reasons: z.array(z.string()),
});
export type RecommendedTrack = z.infer<typeof recommendedTrackSchema>;

/** `clear` withdraws the listener's earlier like or dislike of the track (the latest signal counts). */
export const feedbackSignals = ['like', 'dislike', 'skip', 'play', 'save', 'clear'] as const;
export type FeedbackSignal = (typeof feedbackSignals)[number];

/** A turn's billed tokens; `estimated` as in its meta. */
const usageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  estimated: z.boolean().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A catalog track. `estimated` marks audio features derived by rule rather than measured. */
export const catalogTrackSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  artists: z.array(z.string()),
  album: z.string(),
  releaseDate: z.string().nullable(),
  genres: z.array(z.string()),
  popularity: z.number().min(0).max(100),
  durationMs: z.number().int().min(0),
  explicit: z.boolean().nullable(),
  features: z.object(audioFeatureShape),
  estimated: z.boolean(),
});
export type CatalogTrack = z.infer<typeof catalogTrackSchema>;
