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
const exclusionList = (what: string) =>
  z.array(z.string().trim().min(1).max(200)).max(20, `at most 20 ${what}`);
const year = z.number().int().min(1800).max(2100);

/**
 * Instruments a listener may ask for, and what each says about a track: tags a catalog may carry, and
 * the sound it usually has where there are no such tags.
 */
export const instrumentNames = [
  'piano',
  'guitar',
  'acoustic guitar',
  'saxophone',
  'strings',
  'synth',
  'drums',
  'trumpet',
  'organ',
  'violin',
  'cello',
  'bass',
  'vocals',
] as const;
export type Instrument = (typeof instrumentNames)[number];

export const recommendQuerySchema = z
  .strictObject({
    seed_tracks: shortList('seed tracks').optional(),
    seed_artists: shortList('seed artists').optional(),
    seed_genres: shortList('seed genres').optional(),
    ...rangeShape,
    mood: z.string().trim().min(1).max(60).optional(),
    activity: z.string().trim().min(1).max(60).optional(),
    /** Release years, inclusive ("90s" is 1990–1999); a target year pulls towards it without a bound. */
    min_release_year: year.optional(),
    max_release_year: year.optional(),
    target_release_year: year.optional(),
    /** Genres and artists the listener does not want: none of their tracks are returned. */
    exclude_genres: exclusionList('excluded genres').optional(),
    exclude_artists: exclusionList('excluded artists').optional(),
    instruments: z.array(z.enum(instrumentNames)).max(3, 'at most 3 instruments').optional(),
    exclude: z.array(z.string().min(1).max(100)).max(1000).optional(),
    explicit: z.boolean().optional(),
    limit: z.number().int().min(1).max(50).default(20),
  })
  .refine(
    (query) =>
      query.min_release_year === undefined ||
      query.max_release_year === undefined ||
      query.min_release_year <= query.max_release_year,
    { message: 'must not be after max_release_year', path: ['min_release_year'] },
  );

export type RecommendQuery = z.infer<typeof recommendQuerySchema>;
export type RecommendQueryInput = z.input<typeof recommendQuerySchema>;
