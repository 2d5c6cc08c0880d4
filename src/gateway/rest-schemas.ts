import { z } from 'zod';
import {
  type ErrorPayload,
  errorCodes,
  type GuestTokenResponse,
  type HistoryImport,
  type ListeningStatsView,
  messageSchema,
  type Page,
  recommendedTrackSchema,
  type SiteKey,
  type SpotifyStatus,
  sessionSchema,
} from '../protocol/index.js';
import type { DeploymentStatus } from '../providers/index.js';
import type { RecommendResult } from '../recommend/index.js';
import type { RecommendationPlaylist } from '../spotify/index.js';

/**
 * The REST answers as zod schemas: they write each response (see schema-compilers.ts) and the OpenAPI
 * document. The types stay in the protocol, which the browser imports (schemas would grow the widget);
 * `satisfies` keeps each schema and its type in step, the handlers' typed replies the other way round.
 * An `id` makes the schema a named component of the document.
 */

const errorResponseSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(errorCodes),
      message: z.string().describe('What went wrong; invalid input names the field (`body.title: …`)'),
      retryable: z.boolean(),
      retryAfterMs: z.number().int().optional().describe('Set on rate_limited: wait this long first'),
    }),
  })
  .meta({
    id: 'Error',
    description: 'Every REST failure: one error code (see the README) and a message',
  }) satisfies z.ZodType<{ error: ErrorPayload }>;

const errorDescriptions = {
  400: 'Invalid input: the message names the field and the problem (code invalid)',
  401: 'No valid token (code unauthorized)',
  403: 'Not allowed for this caller (code forbidden)',
  404: 'Not found, or the feature is off (code not_found)',
  409: 'Not possible now (code busy or conflict)',
  413: 'Too large (code payload_too_large)',
  429: 'Rate limited: retry after the Retry-After header (code rate_limited)',
  500: 'Internal error',
  502: 'An upstream service failed (code provider_error)',
  503: 'Temporarily unavailable (code unavailable)',
} as const;
type ErrorStatus = keyof typeof errorDescriptions;
interface ErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof errorResponseSchema } };
}

/** The shared error schema under each status a route may fail with; 429 and 500 on every route. */
export function errorResponses<S extends ErrorStatus>(
  ...statuses: S[]
): Record<S | 429 | 500, ErrorResponse> {
  const all = [...new Set<ErrorStatus>([...statuses, 429, 500])];
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: errorDescriptions[status],
        content: { 'application/json': { schema: errorResponseSchema } },
      },
    ]),
  ) as Record<S | 429 | 500, ErrorResponse>;
}

/** A response without a body (204, a redirect). */
export const noContent = (description: string) => z.undefined().describe(description);

/** The listener's bearer token (POST /api/v1/auth/guest, or the Spotify sign-in). */
export const listenerSecurity = [{ listenerToken: [] }];
/** ADMIN_TOKEN as a bearer token. */
export const adminSecurity = [{ adminToken: [] }];
/** No token. */
export const noSecurity = [];

function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last'),
    })
    .meta({ id });
}

export const sessionResponseSchema = sessionSchema.meta({ id: 'Session' });
export const sessionPageSchema = pageOf(sessionResponseSchema, 'SessionPage') satisfies z.ZodType<
  Page<z.infer<typeof sessionSchema>>
>;
export const messagePageSchema = pageOf(
  messageSchema.meta({ id: 'Message' }),
  'MessagePage',
) satisfies z.ZodType<Page<z.infer<typeof messageSchema>>>;

export const recommendResultSchema = z
  .object({
    tracks: z.array(recommendedTrackSchema.meta({ id: 'RecommendedTrack' })),
    warnings: z.array(z.string()).describe('Words of the query the engine could not use'),
  })
  .meta({ id: 'RecommendResult' }) satisfies z.ZodType<RecommendResult>;

export const providersResponseSchema = z.object({
  deployments: z.array(
    z
      .object({
        id: z.string(),
        provider: z.string(),
        model: z.string(),
        circuit: z.enum(['closed', 'open', 'half-open']),
        ttftMsEwma: z.number().nullable(),
        outputTokensPerSecondEwma: z.number().nullable(),
        errorRate: z.number(),
        requests: z.number().int(),
        costUsd: z.number(),
        cooldownUntil: z.string().nullable(),
      })
      .meta({ id: 'DeploymentStatus' }) satisfies z.ZodType<DeploymentStatus>,
  ),
});

const playTotals = { plays: z.number().int(), msPlayed: z.number(), skips: z.number().int() };
const artistTotals = z.object({ ...playTotals, artistName: z.string() });

export const listeningStatsSchema = z
  .object({
    ...playTotals,
    from: z.string().nullable().describe('The period counted, from inclusive; null where open'),
    to: z.string().nullable().describe('To exclusive; null where open'),
    utcOffset: z.number().int(),
    skipRate: z.number(),
    matchedPlays: z.number().int(),
    firstPlayedAt: z.string().nullable(),
    lastPlayedAt: z.string().nullable(),
    topTracks: z.array(
      z.object({
        ...playTotals,
        trackName: z.string(),
        artistName: z.string(),
        trackId: z.string().nullable(),
      }),
    ),
    topArtists: z.array(artistTotals),
    mostSkippedArtists: z.array(artistTotals),
    topGenres: z.array(z.object({ ...playTotals, genre: z.string() })),
    playsByHour: z.array(z.number().int()).describe('24 counts, local hour 0–23 (by utcOffset)'),
    playsByWeekday: z.array(z.number().int()).describe('7 counts, local weekday, 0 = Monday'),
  })
  .meta({ id: 'ListeningStats' }) satisfies z.ZodType<ListeningStatsView>;

const importCounts = {
  skippedPodcasts: z.number().int(),
  skippedAudiobooks: z.number().int(),
  unplayable: z.number().int(),
  rejected: z.number().int(),
};

export const historyImportSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'running', 'done', 'failed']),
    source: z.string().describe('The uploaded file names, comma-separated'),
    report: z.object({
      progress: z.number().min(0).max(1),
      files: z.array(
        z.object({
          name: z.string(),
          status: z.enum(['ok', 'failed', 'refused']),
          error: z.string().nullable(),
          rows: z.number().int(),
          plays: z.number().int(),
          ...importCounts,
        }),
      ),
      plays: z.number().int(),
      inserted: z.number().int(),
      duplicates: z.number().int(),
      matchedByUri: z.number().int(),
      matchedByName: z.number().int(),
      unmatched: z.number().int(),
      ...importCounts,
      incognito: z.number().int(),
      firstPlayedAt: z.string().nullable(),
      lastPlayedAt: z.string().nullable(),
    }),
    errors: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'HistoryImport' }) satisfies z.ZodType<HistoryImport>;

/**
 * The upload form, for the document only: the route streams the files itself (never buffered), under
 * any field name.
 */
export const historyUploadSchema = z
  .object({
    file: z
      .array(z.string().meta({ format: 'binary' }))
      .optional()
      .describe('The Spotify export ZIP as downloaded, or its JSON history files (any field name)'),
  })
  .describe('Spotify listening history export');

export const guestTokenResponseSchema = z
  .object({
    token: z.string(),
    userId: z.string(),
    expiresAt: z.string(),
    siteKey: z.string().optional().describe('Set when the token was issued through a site key (a widget)'),
  })
  .meta({ id: 'GuestToken' }) satisfies z.ZodType<GuestTokenResponse>;

export const siteKeyResponseSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    origins: z.array(z.string()).describe('Normalized origins (scheme://host[:port]) allowed to use the key'),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'SiteKey' }) satisfies z.ZodType<SiteKey>;

export const spotifyStatusSchema = z.object({
  linked: z.boolean(),
  displayName: z.string().nullable(),
  lastSyncAt: z.string().nullable().describe('When the last sync of recently played began'),
}) satisfies z.ZodType<SpotifyStatus>;

export const playlistResponseSchema = z.object({
  playlistId: z.string(),
  url: z.string(),
  added: z.number().int(),
  notFound: z.array(z.string()).describe('Catalog ids no Spotify track was found for, left out'),
}) satisfies z.ZodType<RecommendationPlaylist>;
