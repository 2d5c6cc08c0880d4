import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RecordedSpotifyRequest, readBody, type ScriptedResponse, send } from './fake-spotify-http.js';
import {
  apiError,
  type FakePlaylist,
  type FakeTrack,
  oauthError,
  playlistJson,
  snapshotId,
  spotifyId,
  trackJson,
  userJson,
} from './fake-spotify-json.js';

export type { RecordedSpotifyRequest, ScriptedResponse } from './fake-spotify-http.js';
export { type FakePlaylist, type FakeTrack, fakeTrack, spotifyId } from './fake-spotify-json.js';

export interface FakePlay {
  track: FakeTrack;
  playedAt: string;
}

export interface FakeSpotify {
  /** Both the Accounts service and the Web API answer here. */
  baseUrl: string;
  clientId: string;
  user: { id: string; displayName: string };
  requests: RecordedSpotifyRequest[];
  /** The query of each GET /authorize. */
  authorizations: Record<string, string>[];
  /** What search looks in. */
  catalog: FakeTrack[];
  /** The listener's play history, any order. */
  plays: FakePlay[];
  playlists: Map<string, FakePlaylist>;
  /** Spotify may or may not hand back a new refresh token; when it does, the old one stops working. */
  rotateRefreshTokens: boolean;
  accessTokenLifetimeSeconds: number;
  /** The next requests under `pathPrefix` (default /v1/) get these answers instead, in order. */
  scriptNext(responses: ScriptedResponse[], pathPrefix?: string): void;
  rateLimitNext(count: number, retryAfterSeconds: number, pathPrefix?: string): void;
  /** Every access token issued so far now answers 401 "The access token expired". */
  expireAccessTokens(): void;
  /** Tokens as if the listener had signed in, for tests that start past sign-in. */
  issueTokens(): { accessToken: string; refreshToken: string; expiresIn: number; scope: string };
  /** The next /authorize redirects back with error=access_denied, as when the listener declines. */
  declineNextAuthorization(): void;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
}

const grantedScope = 'playlist-modify-private playlist-modify-public user-read-recently-played';
const base62Id = /^[0-9A-Za-z]{22}$/;

/**
 * A local stand-in for accounts.spotify.com and api.spotify.com speaking their JSON: the PKCE authorization
 * code grant (challenge checked, codes single use), refresh with optional rotation, /v1/me, search, recently
 * played with cursors, playlist creation and adding items; plus scripted faults.
 */
export async function startFakeSpotify(options: { clientId?: string } = {}): Promise<FakeSpotify> {
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, { expired: boolean }>();
  const refreshTokens = new Set<string>();
  const scripted: Array<{ response: ScriptedResponse; pathPrefix: string }> = [];
  let declineNext = false;
  let baseUrl = '';

  const issue = (rotateFrom?: string) => {
    const accessToken = `access-${randomBytes(9).toString('base64url')}`;
    accessTokens.set(accessToken, { expired: false });
    if (rotateFrom !== undefined && !fake.rotateRefreshTokens)
      return { accessToken, refreshToken: undefined };
    if (rotateFrom !== undefined) refreshTokens.delete(rotateFrom);
    const refreshToken = `refresh-${randomBytes(9).toString('base64url')}`;
    refreshTokens.add(refreshToken);
    return { accessToken, refreshToken };
  };

  const fake: FakeSpotify = {
    baseUrl: '',
    clientId: options.clientId ?? 'fake-client-id',
    user: { id: 'listener.one', displayName: 'Listener One' },
    requests: [],
    authorizations: [],
    catalog: [],
    plays: [],
    playlists: new Map(),
    rotateRefreshTokens: true,
    accessTokenLifetimeSeconds: 3600,
    scriptNext: (responses, pathPrefix = '/v1/') => {
      for (const response of responses) scripted.push({ response, pathPrefix });
    },
    rateLimitNext: (count, retryAfterSeconds, pathPrefix = '/v1/') => {
      const response = {
        status: 429,
        body: apiError(429, 'API rate limit exceeded'),
        headers: { 'retry-after': String(retryAfterSeconds) },
      };
      fake.scriptNext(
        Array.from({ length: count }, () => response),
        pathPrefix,
      );
    },
    expireAccessTokens: () => {
      for (const token of accessTokens.values()) token.expired = true;
    },
    issueTokens: () => {
      const { accessToken, refreshToken } = issue();
      return {
        accessToken,
        refreshToken: refreshToken ?? '',
        expiresIn: fake.accessTokenLifetimeSeconds,
        scope: grantedScope,
      };
    },
    declineNextAuthorization: () => {
      declineNext = true;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function authorize(query: Record<string, string>, response: ServerResponse) {
    fake.authorizations.push(query);
    const redirectUri = query.redirect_uri ?? '';
    const problems = [
      query.client_id !== fake.clientId && 'INVALID_CLIENT: Invalid client',
      query.response_type !== 'code' && 'response_type must be code',
      !redirectUri && 'INVALID_CLIENT: Invalid redirect URI',
      query.code_challenge_method !== 'S256' && 'code_challenge_method must be S256',
      !query.code_challenge && 'code_challenge missing',
    ].filter(Boolean);
    // Spotify shows an error page rather than redirecting when the request itself is bad.
    if (problems.length > 0) return send(response, { status: 400, body: { error: problems.join('; ') } });
    const back = new URL(redirectUri);
    if (query.state) back.searchParams.set('state', query.state);
    if (declineNext) {
      declineNext = false;
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        clientId: fake.clientId,
        redirectUri,
        challenge: query.code_challenge ?? '',
        scope: query.scope ?? '',
      });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.toString() });
    response.end();
  }

  function token(request: RecordedSpotifyRequest): ScriptedResponse {
    if (!request.contentType?.startsWith('application/x-www-form-urlencoded')) {
      return { status: 400, body: oauthError('invalid_request', 'Content-Type must be form-urlencoded') };
    }
    const fields = request.body as Record<string, string>;
    if (fields.client_id !== fake.clientId)
      return { status: 400, body: oauthError('invalid_client', 'Invalid client') };
    if (fields.grant_type === 'authorization_code') return codeGrant(fields);
    if (fields.grant_type === 'refresh_token') return refreshGrant(fields);
    return {
      status: 400,
      body: oauthError('unsupported_grant_type', `grant_type ${fields.grant_type} is not supported`),
    };
  }

  function codeGrant(fields: Record<string, string>): ScriptedResponse {
    const pending = codes.get(fields.code ?? '');
    // A code is good once, whatever happens to that one try.
    codes.delete(fields.code ?? '');
    if (!pending) return { status: 400, body: oauthError('invalid_grant', 'Invalid authorization code') };
    if (pending.redirectUri !== fields.redirect_uri) {
      return { status: 400, body: oauthError('invalid_grant', 'Invalid redirect URI') };
    }
    const challenge = createHash('sha256')
      .update(fields.code_verifier ?? '')
      .digest('base64url');
    if (challenge !== pending.challenge) {
      return { status: 400, body: oauthError('invalid_grant', 'code_verifier was incorrect') };
    }
    const { accessToken, refreshToken } = issue();
    return tokenAnswer(accessToken, refreshToken, pending.scope);
  }

  function refreshGrant(fields: Record<string, string>): ScriptedResponse {
    const presented = fields.refresh_token ?? '';
    if (!refreshTokens.has(presented))
      return { status: 400, body: oauthError('invalid_grant', 'Invalid refresh token') };
    const { accessToken, refreshToken } = issue(presented);
    return tokenAnswer(accessToken, refreshToken, grantedScope);
  }

  function tokenAnswer(
    accessToken: string,
    refreshToken: string | undefined,
    scope: string,
  ): ScriptedResponse {
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      scope,
      expires_in: fake.accessTokenLifetimeSeconds,
    };
    if (refreshToken !== undefined) body.refresh_token = refreshToken;
    return { status: 200, body };
  }

  function authenticate(request: RecordedSpotifyRequest): ScriptedResponse | null {
    const bearer = /^Bearer (.+)$/.exec(request.authorization ?? '')?.[1];
    if (bearer === undefined) return { status: 401, body: apiError(401, 'No token provided') };
    const known = accessTokens.get(bearer);
    if (!known) return { status: 401, body: apiError(401, 'Invalid access token') };
    if (known.expired) return { status: 401, body: apiError(401, 'The access token expired') };
    return null;
  }

  function api(request: RecordedSpotifyRequest): ScriptedResponse {
    const refused = authenticate(request);
    if (refused) return refused;
    const route = `${request.method} ${request.path}`;
    if (route === 'GET /v1/me') return { status: 200, body: userJson(baseUrl, fake.user) };
    if (route === 'GET /v1/search') return search(request.query);
    if (route === 'GET /v1/me/player/recently-played') return recentlyPlayed(request.query);
    if (route === 'POST /v1/me/playlists') return createPlaylist(request.body);
    const items = /^POST \/v1\/playlists\/([^/]+)\/items$/.exec(route);
    if (items?.[1]) return addItems(decodeURIComponent(items[1]), request.body);
    return { status: 404, body: apiError(404, 'Service not found') };
  }

  function search(query: Record<string, string>): ScriptedResponse {
    const limit = Number(query.limit ?? 5);
    if (query.type !== 'track') return { status: 400, body: apiError(400, 'Bad search type field') };
    if (!query.q) return { status: 400, body: apiError(400, 'No search query') };
    if (!Number.isInteger(limit) || limit < 1 || limit > 10)
      return { status: 400, body: apiError(400, 'Invalid limit') };
    const title = /track:"([^"]*)"/.exec(query.q)?.[1]?.toLowerCase() ?? query.q.toLowerCase();
    const artist = /artist:"([^"]*)"/.exec(query.q)?.[1]?.toLowerCase();
    const found = fake.catalog.filter(
      (track) =>
        track.name.toLowerCase().includes(title) &&
        (artist === undefined || track.artists.some((name) => name.toLowerCase().includes(artist))),
    );
    const items = found.slice(0, limit).map((track) => trackJson(baseUrl, track));
    const href = `${baseUrl}/v1/search?${new URLSearchParams(query)}`;
    return {
      status: 200,
      body: { tracks: { href, items, limit, next: null, offset: 0, previous: null, total: found.length } },
    };
  }

  /** Newest first, like Spotify; `after` pages forward from the cursor, `before` (or nothing) backward. */
  function recentlyPlayed(query: Record<string, string>): ScriptedResponse {
    const limit = Number(query.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      return { status: 400, body: apiError(400, 'Invalid limit') };
    }
    if (query.after !== undefined && query.before !== undefined) {
      return { status: 400, body: apiError(400, 'Only one of after and before may be given') };
    }
    const forward = query.after !== undefined;
    const { page, more } = forward
      ? playsAfter(Number(query.after), limit)
      : playsBefore(Number(query.before ?? Number.POSITIVE_INFINITY), limit);
    const newest = page[0];
    const oldest = page.at(-1);
    const cursors =
      newest && oldest
        ? { after: String(Date.parse(newest.playedAt)), before: String(Date.parse(oldest.playedAt)) }
        : null;
    const path = `${baseUrl}/v1/me/player/recently-played`;
    const nextQuery = forward ? `after=${cursors?.after}` : `before=${cursors?.before}`;
    const next = more && cursors ? `${path}?${nextQuery}&limit=${limit}` : null;
    const items = page.map((play) => ({
      track: trackJson(baseUrl, play.track),
      played_at: play.playedAt,
      context: null,
    }));
    return {
      status: 200,
      body: { items, next, cursors, limit, href: `${path}?${new URLSearchParams(query)}` },
    };
  }

  const playedAt = (play: FakePlay) => Date.parse(play.playedAt);
  const newestFirst = () => [...fake.plays].sort((first, second) => playedAt(second) - playedAt(first));

  /** The `limit` plays just after the cursor (newest first), and whether newer ones remain. */
  function playsAfter(after: number, limit: number) {
    const newer = newestFirst().filter((play) => playedAt(play) > after);
    return { page: newer.slice(-limit), more: newer.length > limit };
  }

  /** The `limit` plays just before the cursor (newest first), and whether older ones remain. */
  function playsBefore(before: number, limit: number) {
    const older = newestFirst().filter((play) => playedAt(play) < before);
    return { page: older.slice(0, limit), more: older.length > limit };
  }

  function createPlaylist(body: unknown): ScriptedResponse {
    const fields = (body ?? {}) as { name?: unknown; description?: unknown; public?: unknown };
    if (typeof fields.name !== 'string' || fields.name === '') {
      return { status: 400, body: apiError(400, 'Missing required field: name') };
    }
    const playlist: FakePlaylist = {
      id: spotifyId(`playlist/${fake.playlists.size}/${fields.name}`),
      name: fields.name,
      description: typeof fields.description === 'string' ? fields.description : null,
      public: fields.public !== false,
      uris: [],
      snapshots: 1,
    };
    fake.playlists.set(playlist.id, playlist);
    return { status: 201, body: playlistJson(baseUrl, playlist, fake.user) };
  }

  function addItems(playlistId: string, body: unknown): ScriptedResponse {
    const playlist = fake.playlists.get(playlistId);
    if (!playlist) return { status: 404, body: apiError(404, 'Resource not found') };
    const uris = (body as { uris?: unknown } | undefined)?.uris;
    if (!Array.isArray(uris) || uris.length === 0)
      return { status: 400, body: apiError(400, 'No uris provided') };
    if (uris.length > 100)
      return { status: 400, body: apiError(400, 'You can add a maximum of 100 tracks per request.') };
    const bad = uris.find(
      (uri) => typeof uri !== 'string' || !base62Id.test(uri.replace(/^spotify:track:/, '')),
    );
    if (bad !== undefined) return { status: 400, body: apiError(400, `Invalid track uri: ${String(bad)}`) };
    playlist.uris.push(...(uris as string[]));
    playlist.snapshots += 1;
    return { status: 201, body: { snapshot_id: snapshotId(playlist) } };
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse) {
    const url = new URL(incoming.url ?? '/', baseUrl);
    const request: RecordedSpotifyRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: incoming.headers.authorization,
      contentType: incoming.headers['content-type'],
      body: await readBody(incoming),
    };
    fake.requests.push(request);
    const scriptIndex = scripted.findIndex((entry) => request.path.startsWith(entry.pathPrefix));
    if (scriptIndex >= 0) {
      const [entry] = scripted.splice(scriptIndex, 1);
      if (entry) return send(response, entry.response);
    }
    if (request.method === 'GET' && request.path === '/authorize') return authorize(request.query, response);
    if (request.method === 'POST' && request.path === '/api/token') return send(response, token(request));
    if (request.path.startsWith('/v1/')) return send(response, api(request));
    send(response, { status: 404, body: apiError(404, 'Service not found') });
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      send(response, { status: 500, body: apiError(500, String(error)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.baseUrl = baseUrl;
  return fake;
}
