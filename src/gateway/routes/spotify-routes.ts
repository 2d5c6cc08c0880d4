import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeIssues, EchoError, toEchoError } from '../../errors.js';
import type { SpotifyService } from '../../spotify/index.js';
import {
  errorResponses,
  listenerSecurity,
  noContent,
  noSecurity,
  playlistResponseSchema,
  spotifyStatusSchema,
} from '../rest-schemas.js';
import type { TokenService } from '../token-service.js';

export const SPOTIFY_CALLBACK_PATH = '/api/v1/spotify/callback';
/** Binds a sign-in to the browser that started it: the callback must come back with the same state. */
const stateCookie = 'echotune_spotify_state';
const stateCookieSeconds = 10 * 60;

export interface SpotifyRouteDependencies {
  /** Null when Spotify is off (no SPOTIFY_CLIENT_ID): every route says how to turn it on. */
  spotify: SpotifyService | null;
  /** Where Spotify sends the browser back; https makes the state cookie Secure. */
  redirectUri: string | null;
}

const recommendationParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });
const playlistBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  trackIds: z.array(z.string().min(1).max(200)).min(1, 'must list at least one track').max(500).optional(),
});
const callbackQuerySchema = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().min(1).max(200).optional(),
});

const signInStartSchema = z.object({
  url: z.string().describe("Spotify's consent page: send the browser there"),
  expiresAt: z.string().describe('The sign-in must finish before this'),
});
const signOutSchema = z.object({
  linked: z.literal(false),
  removed: z.boolean().describe('Whether a link was removed'),
  manageAccess: z.string().describe("Where the listener can also remove EchoTune's access at Spotify"),
});
const spotify = { tags: ['spotify'], security: listenerSecurity };
/** Spotify off answers 404 saying how to turn it on. */
const spotifyErrors = errorResponses(401, 404, 502);

function requireSpotify(spotify: SpotifyService | null): SpotifyService {
  if (spotify === null) {
    throw new EchoError(
      'not_found',
      'Spotify is off: start the server with SPOTIFY_CLIENT_ID and SPOTIFY_REDIRECT_URI to use it (docs/spotify.md)',
    );
  }
  return spotify;
}

/** The listener's Spotify routes, in the bearer-token context. */
export function registerSpotifyRoutes(app: FastifyInstance, deps: SpotifyRouteDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const signInSchema = {
    ...spotify,
    summary: 'Starts signing in with Spotify (the page, not the widget); sets the state cookie',
    response: { 200: signInStartSchema, ...errorResponses(401, 403, 404, 502) },
  };
  api.post('/api/v1/spotify/sign-in', { schema: signInSchema }, async (request, reply) => {
    const spotify = requireSpotify(deps.spotify);
    // A widget's token is scoped to its site; the redirect back lands on EchoTune's own page instead.
    if (request.siteKey !== null) {
      throw new EchoError(
        'forbidden',
        'Spotify sign-in is available on the EchoTune page, not in the widget',
      );
    }
    const started = await spotify.startSignIn(request.userId);
    const secure = deps.redirectUri?.startsWith('https:') ? '; Secure' : '';
    void reply.header(
      'set-cookie',
      `${stateCookie}=${started.state}; Path=${SPOTIFY_CALLBACK_PATH}; Max-Age=${stateCookieSeconds}; HttpOnly; SameSite=Lax${secure}`,
    );
    return { url: started.url, expiresAt: new Date(started.expiresAt).toISOString() };
  });

  const statusSchema = {
    ...spotify,
    summary: "Whether the caller's Spotify account is linked, and its last sync",
    response: { 200: spotifyStatusSchema, ...spotifyErrors },
  };
  api.get('/api/v1/spotify/status', { schema: statusSchema }, async (request) =>
    requireSpotify(deps.spotify).status(request.userId),
  );

  const signOutRouteSchema = {
    ...spotify,
    summary: "Unlinks the caller's Spotify account and forgets its tokens",
    response: { 200: signOutSchema, ...spotifyErrors },
  };
  api.post('/api/v1/spotify/sign-out', { schema: signOutRouteSchema }, async (request) => {
    const removed = await requireSpotify(deps.spotify).signOut(request.userId);
    // Spotify has no revocation endpoint: the listener can also remove EchoTune's access there.
    return { linked: false as const, removed, manageAccess: 'https://www.spotify.com/account/apps/' };
  });

  const playlistSchema = {
    ...spotify,
    summary: "A Spotify playlist in the caller's account from one of their recommendations",
    params: recommendationParamsSchema,
    body: playlistBodySchema,
    response: { 201: playlistResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 502) },
  };
  api.post('/api/v1/recommendations/:id/playlist', { schema: playlistSchema }, async (request, reply) => {
    const service = requireSpotify(deps.spotify);
    const playlist = await service.playlistFromRecommendation(
      request.userId,
      request.params.id,
      request.body,
    );
    return reply.status(201).send(playlist);
  });
}

/**
 * Where Spotify sends the browser back: no bearer token (a redirect carries none), so the pending sign-in
 * names the listener and the state cookie proves this browser started it (without it, a link to someone
 * else's sign-in could log a victim's browser into the other account). Success goes to
 * `/?spotify=linked#token=…` with a token for the linked listener (another one when a guest was merged
 * into the account's listener); failure to `/?spotify=error&reason=…&message=…`.
 */
export function registerSpotifyCallback(
  app: FastifyInstance,
  deps: SpotifyRouteDependencies & { tokens: TokenService },
): void {
  const callbackSchema = {
    tags: ['spotify'],
    security: noSecurity,
    summary: 'Where Spotify sends the browser back (state, code or error in the query)',
    description:
      'Redirects to `/?spotify=linked#token=…` on success, `/?spotify=error&reason=…&message=…` otherwise; ' +
      'the query is read by the route itself so that every failure is a redirect the page can show.',
    response: {
      302: noContent('Back to the page, linked or with the reason it failed'),
      ...errorResponses(404),
    },
  };
  app.get(SPOTIFY_CALLBACK_PATH, { schema: callbackSchema }, async (request, reply) => {
    const spotify = requireSpotify(deps.spotify);
    void reply.header(
      'set-cookie',
      `${stateCookie}=; Path=${SPOTIFY_CALLBACK_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`,
    );
    void reply.header('cache-control', 'no-store');
    const parsed = callbackQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) return failed(reply, 'invalid', describeIssues(parsed.error.issues));
    const query = parsed.data;
    // Checked before the pending sign-in is used up: a forged redirect cannot spoil the real one.
    if (readCookie(request, stateCookie) !== query.state) {
      return failed(
        reply,
        'state',
        'This sign-in was started in another browser or tab, or long ago; start it again',
      );
    }
    try {
      const finished = await spotify.finishSignIn(query);
      const { token, expiresAt } = await deps.tokens.issue({ userId: finished.userId, kind: 'spotify' });
      const fragment = new URLSearchParams({ token, userId: finished.userId, expiresAt });
      return reply.redirect(`/?spotify=linked${finished.merged ? '&merged=1' : ''}#${fragment}`, 302);
    } catch (error) {
      const echo = toEchoError(error);
      if (echo.code === 'internal') request.log.error({ err: error }, 'spotify sign-in failed');
      return failed(reply, query.error === undefined ? reason(echo) : 'declined', echo.message);
    }
  });
}

/** A short word the page can act on; the message says the rest. */
function reason(error: EchoError): string {
  if (error.code === 'invalid' || error.code === 'forbidden') return 'state';
  if (error.code === 'unauthorized' || error.code === 'provider_error') return 'spotify';
  return error.code;
}

function failed(reply: FastifyReply, why: string, message: string) {
  return reply.redirect(`/?${new URLSearchParams({ spotify: 'error', reason: why, message })}`, 302);
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
