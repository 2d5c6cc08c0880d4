import { z } from 'zod';
import { invalid } from '../errors.js';
import { signInExpired, spotifyApiError } from './spotify-api-error.js';
import {
  currentUserSchema,
  playlistSchema,
  recentlyPlayedSchema,
  snapshotSchema,
  trackSearchSchema,
} from './spotify-api-schemas.js';
import {
  defaultRetryPolicy,
  type FetchFunction,
  type RetryPolicy,
  readJson,
  realSleep,
  type Sleep,
  sendWithRetries,
} from './spotify-http.js';
import {
  type CreatedPlaylist,
  type RecentPlay,
  type RecentPlays,
  type SpotifyTrack,
  type SpotifyUser,
  toRecentPlay,
  toSpotifyTrack,
} from './spotify-records.js';
import type { TokenProvider } from './spotify-tokens.js';
import { spotifyUrl } from './spotify-url.js';

export interface SpotifyApiOptions {
  /** https://api.spotify.com, or a local fake in tests. */
  apiBaseUrl: string;
  tokens: TokenProvider;
  fetch?: FetchFunction;
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
}

/** Spotify takes at most 100 items per add request. */
export const playlistItemsPerRequest = 100;

const trackUriSchema = z
  .string()
  .regex(/^spotify:track:[0-9A-Za-z]{22}$/, 'expected spotify:track:<22-character id>');

const searchInputSchema = z.object({
  title: z.string().trim().min(1, 'empty').max(200),
  artist: z.string().trim().min(1, 'empty').max(200).optional(),
  // Development-mode apps may ask for at most 10 results since February 2026.
  limit: z.number().int().min(1).max(10).default(5),
});

const recentlyPlayedInputSchema = z.object({
  after: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(50).default(50),
});

const playlistInputSchema = z.object({
  name: z.string().trim().min(1, 'empty').max(100),
  description: z.string().max(300).optional(),
  public: z.boolean().default(false),
});

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * The Spotify Web API on behalf of one signed-in listener. 429s are waited out (Retry-After), 5xx retried,
 * a 401 refreshes the token once; every answer is checked against its schema and normalized.
 */
export class SpotifyApi {
  readonly #options: SpotifyApiOptions;
  readonly #policy: RetryPolicy;

  constructor(options: SpotifyApiOptions) {
    this.#options = options;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
  }

  async me(): Promise<SpotifyUser> {
    const user = await this.#call({ method: 'GET', path: '/v1/me' }, currentUserSchema);
    return { id: user.id, displayName: user.display_name ?? null };
  }

  /** Catalog tracks matching a title (and artist): to resolve a recommendation to a Spotify id. */
  async searchTrack(input: { title: string; artist?: string; limit?: number }): Promise<SpotifyTrack[]> {
    const { title, artist, limit } = parseInput(searchInputSchema, input);
    const query = [`track:"${unquoted(title)}"`, artist ? `artist:"${unquoted(artist)}"` : '']
      .join(' ')
      .trim();
    const answer = await this.#call(
      { method: 'GET', path: '/v1/search', query: { q: query, type: 'track', limit: String(limit) } },
      trackSearchSchema,
    );
    return answer.tracks.items.flatMap((track) => {
      const normalized = track ? toSpotifyTrack(track) : null;
      return normalized ? [normalized] : [];
    });
  }

  /** Plays after `after` (milliseconds since the epoch), up to `limit`; local files are left out. */
  async recentlyPlayed(input: { after?: number; limit?: number } = {}): Promise<RecentPlays> {
    const { after, limit } = parseInput(recentlyPlayedInputSchema, input);
    const answer = await this.#call(
      {
        method: 'GET',
        path: '/v1/me/player/recently-played',
        query: { limit: String(limit), after: after === undefined ? undefined : String(after) },
      },
      recentlyPlayedSchema,
    );
    const plays = answer.items
      .map(toRecentPlay)
      .filter((play): play is RecentPlay => play !== null)
      .sort((first, second) => first.playedAt.localeCompare(second.playedAt));
    const cursor = answer.cursors?.after;
    return {
      plays,
      nextAfter: cursor ? Number(cursor) : (after ?? null),
      hasMore: answer.next !== null && answer.items.length > 0,
    };
  }

  /** A playlist owned by the signed-in listener (POST /v1/me/playlists; the per-user path is gone). */
  async createPlaylist(input: {
    name: string;
    description?: string;
    public?: boolean;
  }): Promise<CreatedPlaylist> {
    const body = parseInput(playlistInputSchema, input);
    const playlist = await this.#call({ method: 'POST', path: '/v1/me/playlists', body }, playlistSchema);
    return { id: playlist.id, url: playlist.external_urls.spotify, uri: playlist.uri };
  }

  /**
   * Appends tracks in order, 100 per request (Spotify's limit), to POST /v1/playlists/{id}/items, which
   * replaced .../tracks in February 2026. Returns the last snapshot id, or null when there was nothing to add.
   */
  async addTracks(playlistId: string, uris: readonly string[]): Promise<string | null> {
    parseInput(z.object({ playlistId: z.string().min(1), uris: z.array(trackUriSchema) }), {
      playlistId,
      uris,
    });
    let snapshotId: string | null = null;
    for (let start = 0; start < uris.length; start += playlistItemsPerRequest) {
      const chunk = uris.slice(start, start + playlistItemsPerRequest);
      const path = `/v1/playlists/${encodeURIComponent(playlistId)}/items`;
      const answer = await this.#call({ method: 'POST', path, body: { uris: chunk } }, snapshotSchema);
      snapshotId = answer.snapshot_id;
    }
    return snapshotId;
  }

  /** One call: a 401 refreshes the token and retries once; a second 401 means the sign-in is gone. */
  async #call<Schema extends z.ZodType>(call: Call, schema: Schema): Promise<z.infer<Schema>> {
    const what = `${call.method} ${call.path}`;
    let token = await this.#options.tokens.accessToken();
    let response = await this.#send(call, token, what);
    if (response.status === 401) {
      await response.body?.cancel();
      token = await this.#options.tokens.refresh(token);
      response = await this.#send(call, token, what);
      if (response.status === 401) {
        await response.body?.cancel();
        throw signInExpired(what);
      }
    }
    if (!response.ok) throw await spotifyApiError(response, what);
    return readJson(response, schema, what);
  }

  #send(call: Call, token: string, what: string): Promise<Response> {
    const fetchFunction = this.#options.fetch ?? fetch;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const url = spotifyUrl(this.#options.apiBaseUrl, call.path, call.query);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    return sendWithRetries((signal) => fetchFunction(url, { method: call.method, headers, body, signal }), {
      what,
      policy: this.#policy,
      sleep: this.#options.sleep ?? realSleep,
    });
  }
}

function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(result.error.issues);
  return result.data;
}

/** Quotes delimit a field filter in Spotify's query syntax, so they cannot appear inside one. */
function unquoted(text: string): string {
  return text.replaceAll('"', ' ').replace(/\s+/g, ' ').trim();
}
