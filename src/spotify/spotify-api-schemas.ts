import { z } from 'zod';

/**
 * The Web API's JSON, as far as this module reads it; other fields are ignored. Fields that Spotify has
 * dropped for development-mode apps (February 2026: `popularity`, `available_markets`) are optional.
 */

const externalUrlsSchema = z.object({ spotify: z.string().optional() });

const artistSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
});

const albumSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  /** `2001`, `2001-03` or `2001-03-05`, as precise as Spotify knows it. */
  release_date: z.string().nullish(),
});

/** A track object. Local files in a listener's history have no id. */
export const trackSchema = z.object({
  id: z.string().nullable(),
  uri: z.string(),
  name: z.string(),
  artists: z.array(artistSchema),
  album: albumSchema,
  duration_ms: z.number().int().min(0),
  popularity: z.number().int().min(0).max(100).nullish(),
  external_urls: externalUrlsSchema.nullish(),
});
export type TrackJson = z.infer<typeof trackSchema>;

/** GET /v1/me (no scope needed for id and display name). */
export const currentUserSchema = z.object({
  id: z.string().min(1),
  display_name: z.string().nullish(),
});

/** GET /v1/search?type=track: a paging object under `tracks`; Spotify has been seen to put nulls in items. */
export const trackSearchSchema = z.object({
  tracks: z.object({
    items: z.array(trackSchema.nullable()),
    total: z.number().int().min(0),
  }),
});

/** GET /v1/me/player/recently-played: a cursor-based paging object of play-history objects, newest first. */
export const recentlyPlayedSchema = z.object({
  items: z.array(
    z.object({
      track: trackSchema,
      played_at: z.iso.datetime({ offset: true }),
    }),
  ),
  next: z.string().nullable(),
  /** Null when there are no items. */
  cursors: z
    .object({
      after: z.string().regex(/^\d+$/, 'expected milliseconds since the epoch').nullish(),
      before: z.string().regex(/^\d+$/, 'expected milliseconds since the epoch').nullish(),
    })
    .nullable(),
});

/** POST /v1/me/playlists answers with the new playlist object. */
export const playlistSchema = z.object({
  id: z.string().min(1),
  uri: z.string().min(1),
  external_urls: z.object({ spotify: z.string().min(1) }),
});

/** POST /v1/playlists/{id}/items answers with the playlist's new version. */
export const snapshotSchema = z.object({ snapshot_id: z.string().min(1) });

/** The Web API's error body: `{"error":{"status":401,"message":"The access token expired"}}`. */
export const apiErrorSchema = z.object({
  error: z.object({ status: z.number().int(), message: z.string() }),
});
