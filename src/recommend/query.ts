import { z } from 'zod';

/**
 * The one query shape, shared by POST /api/v1/recommend and the recommend_tracks tool. It keeps the
 * vocabulary of Spotify's retired recommendations endpoint: target_/min_/max_ per tunable attribute.
 */
export const tunableAttributes = {
  acousticness: [0, 1],
  danceability: [0, 1],
  energy: [0, 1],
  instrumentalness: [0, 1],
  liveness: [0, 1],
  speechiness: [0, 1],
  valence: [0, 1],
  tempo: [0, 250],
  loudness: [-60, 5],
  key: [0, 11],
  mode: [0, 1],
  popularity: [0, 100],
  duration_ms: [0, 3_600_000],
} as const;
export type TunableAttribute = keyof typeof tunableAttributes;
type RangeKey = `${'target' | 'min' | 'max'}_${TunableAttribute}`;

const rangeShape = Object.fromEntries(
  Object.entries(tunableAttributes).flatMap(([name, [low, high]]) =>
    (['target', 'min', 'max'] as const).map((prefix) => [
      `${prefix}_${name}`,
      z.number().min(low).max(high).optional(),
    ]),
  ),
) as Record<RangeKey, z.ZodOptional<z.ZodNumber>>;

const shortList = (what: string) => z.array(z.string().trim().min(1).max(200)).max(5, `at most 5 ${what}`);

export const recommendQuerySchema = z.strictObject({
  seed_tracks: shortList('seed tracks').optional(),
  seed_artists: shortList('seed artists').optional(),
  seed_genres: shortList('seed genres').optional(),
  ...rangeShape,
  mood: z.string().trim().min(1).max(60).optional(),
  activity: z.string().trim().min(1).max(60).optional(),
  exclude: z.array(z.string().min(1).max(100)).max(1000).optional(),
  explicit: z.boolean().optional(),
  limit: z.number().int().min(1).max(50).default(20),
});

export type RecommendQuery = z.infer<typeof recommendQuerySchema>;
export type RecommendQueryInput = z.input<typeof recommendQuerySchema>;
