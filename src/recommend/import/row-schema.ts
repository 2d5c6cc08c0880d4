import { z } from 'zod';

const unit = z.number().min(0).max(1);

/**
 * One catalog row after columns.ts renamed and typed its cells, before it becomes a CatalogTrack.
 * Audio features are required: a row without them cannot be ranked. Plain number schemas (no
 * preprocessing) keep validation of a 100k-row file fast; columns.ts does the string → number step.
 */
export const importRowSchema = z.object({
  id: z.string().trim().min(1, 'missing track id').max(200),
  name: z.string().trim().min(1, 'missing track name').max(500),
  artists: z.array(z.string().trim().min(1)).min(1, 'missing artist'),
  album: z.string().trim().max(500).default(''),
  releaseDate: z.string().trim().max(40).nullable().default(null),
  genres: z.array(z.string().trim().min(1).max(100)).default([]),
  popularity: z.number().min(0).max(100).default(0),
  durationMs: z.number().int().min(0).max(86_400_000).default(0),
  explicit: z.boolean().nullable().default(null),
  features: z.object({
    danceability: unit,
    energy: unit,
    valence: unit,
    tempo: z.number().min(0).max(300),
    acousticness: unit,
    instrumentalness: unit,
    speechiness: unit,
    liveness: unit,
    loudness: z.number().min(-80).max(10),
    key: z.number().int().min(-1).max(11),
    mode: z.number().int().min(0).max(1),
  }),
  estimated: z.boolean().default(false),
});

export type ImportRow = z.output<typeof importRowSchema>;
