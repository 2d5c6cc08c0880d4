import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { errorCatalog } from '../../src/errors.js';
import type { ClientEventName, ErrorCode } from '../../src/protocol/index.js';
import { fixture } from '../listening/read-all.js';
import type { TestClient } from '../support/echotune-server.js';
import { uploadHistory } from '../support/history-uploads.js';
import type { RouteKey } from '../support/rest-routes.js';

/**
 * The authorization matrix: for each REST route and client socket event, what listener B tries on
 * listener A's data (the resource it names) and how the server must answer. Sessions and recommendations
 * of another listener are `forbidden`, another listener's import is `not_found` (the code's convention);
 * routes that name none of A's resources act on B's own data and must show none of A's.
 */

export const history = () => readFileSync(fixture('Streaming_History_Audio_2023_0.json'));

export interface Listener {
  token: string;
  userId: string;
  client: TestClient;
}

/** Everything listener A owns; B's attempts name these. */
export interface Owned {
  sessionId: string;
  messageIds: string[];
  turnId: string;
  recommendationId: string;
  trackId: string;
  feedbackId: string;
  importId: string;
  playlistId: string;
  /** A Spotify sign-in A started and has not finished. */
  pendingState: string;
  pendingAuthorizeUrl: string;
  pendingCookie: string;
  siteKey: string;
}

/** What B got: `ok`, an error code, or for the Spotify callback where it sent the browser. */
export interface Answer {
  verdict: string;
  body: unknown;
}

export type Expected = ErrorCode | 'ok' | `redirect:${string}`;

export interface Row<Name extends string> {
  name: Name;
  /** A's resource the attempt names, or what it touches when it names none of A's. */
  resource: string;
  expected: Expected;
  /** A's ids the attempt itself sends (an answer may echo those, never any other of A's). */
  names: (owned: Owned) => string[];
  attempt: (context: Attempt) => Promise<Answer>;
}

/** What an attempt works with: both listeners, A's ids, and a REST and a socket call. */
export interface Attempt {
  a: Listener;
  b: Listener;
  owned: Owned;
  serverUrl: string;
  rest(
    method: string,
    path: string,
    token: string | undefined,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer & { status: number }>;
  emit(sender: Listener, event: ClientEventName, payload: unknown): Promise<Answer>;
}

export const restRows: Row<RouteKey>[] = [
  {
    name: 'GET /health',
    resource: 'none (public)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/health', b.token),
  },
  {
    name: 'GET /ready',
    resource: 'none (public)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/ready', b.token),
  },
  {
    name: 'GET /api/v1/openapi.json',
    resource: 'none (public: the API document)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/api/v1/openapi.json', b.token),
  },
  {
    name: 'GET /metrics',
    resource: 'the operator’s metrics',
    expected: 'unauthorized',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/metrics', b.token),
  },
  {
    name: 'OPTIONS *',
    // Not an allowed origin: no CORS headers, and the path does not take OPTIONS itself.
    resource: 'A’s session (a preflight for it from another site)',
    expected: 'method_not_allowed',
    names: (o) => [o.sessionId],
    attempt: ({ rest, owned: o }) =>
      rest('OPTIONS', `/api/v1/sessions/${o.sessionId}`, undefined, {
        headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'DELETE' },
      }),
  },
  {
    name: 'POST /api/v1/auth/guest',
    resource: 'none (a new listener)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest }) => rest('POST', '/api/v1/auth/guest', undefined),
  },
  {
    name: 'POST /api/v1/auth/refresh',
    resource: 'B’s own token',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('POST', '/api/v1/auth/refresh', b.token),
  },
  {
    name: 'GET /api/v1/spotify/callback',
    resource: 'A’s pending Spotify sign-in',
    expected: 'redirect:state',
    names: (o) => [o.pendingState],
    attempt: ({ rest, b, owned: o }) =>
      rest('GET', `/api/v1/spotify/callback?state=${o.pendingState}&code=forged`, b.token),
  },
  {
    name: 'POST /api/v1/admin/site-keys',
    resource: 'site keys (admin)',
    expected: 'unauthorized',
    names: () => [],
    attempt: ({ rest, b }) =>
      rest('POST', '/api/v1/admin/site-keys', b.token, {
        body: { name: 'B', origins: ['https://b.example'] },
      }),
  },
  {
    name: 'GET /api/v1/admin/site-keys',
    resource: 'site keys (admin)',
    expected: 'unauthorized',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/api/v1/admin/site-keys', b.token),
  },
  {
    name: 'DELETE /api/v1/admin/site-keys/:key',
    resource: 'a site key (admin)',
    expected: 'unauthorized',
    names: (o) => [o.siteKey],
    attempt: ({ rest, b, owned: o }) => rest('DELETE', `/api/v1/admin/site-keys/${o.siteKey}`, b.token),
  },
  {
    name: 'GET /api/v1/sessions',
    resource: 'A’s session list',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/api/v1/sessions', b.token),
  },
  {
    name: 'PATCH /api/v1/sessions/:id',
    resource: 'A’s session',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ rest, b, owned: o }) =>
      rest('PATCH', `/api/v1/sessions/${o.sessionId}`, b.token, { body: { title: 'B was here' } }),
  },
  {
    name: 'DELETE /api/v1/sessions/:id',
    resource: 'A’s session',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ rest, b, owned: o }) => rest('DELETE', `/api/v1/sessions/${o.sessionId}`, b.token),
  },
  {
    name: 'GET /api/v1/sessions/:id/messages',
    resource: 'A’s messages',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ rest, b, owned: o }) => rest('GET', `/api/v1/sessions/${o.sessionId}/messages`, b.token),
  },
  {
    name: 'POST /api/v1/recommend',
    resource: 'A’s taste (B’s recommendations)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) =>
      rest('POST', '/api/v1/recommend', b.token, { body: { mood: 'calm', limit: 5 } }),
  },
  {
    name: 'GET /api/v1/providers',
    resource: 'none (deployments)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('GET', '/api/v1/providers', b.token),
  },
  {
    name: 'GET /api/v1/stats',
    resource: 'A’s listening history',
    expected: 'ok',
    names: () => [],
    attempt: async ({ rest, b }) => {
      const answer = await rest('GET', '/api/v1/stats', b.token);
      expect(answer.body).toMatchObject({ plays: 0 });
      return answer;
    },
  },
  {
    name: 'POST /api/v1/imports',
    resource: 'A’s listening history (B imports its own)',
    expected: 'ok',
    names: () => [],
    attempt: async ({ serverUrl, b }) => {
      const { status, body } = await uploadHistory(serverUrl, b.token, [
        { name: 'Streaming_History_Audio_2023_0.json', data: history() },
      ]);
      return { verdict: status === 202 ? 'ok' : String(body.error?.code), body };
    },
  },
  {
    name: 'GET /api/v1/imports/:id',
    resource: 'A’s import',
    expected: 'not_found',
    names: (o) => [o.importId],
    attempt: ({ rest, b, owned: o }) => rest('GET', `/api/v1/imports/${o.importId}`, b.token),
  },
  {
    name: 'POST /api/v1/spotify/sign-in',
    resource: 'A’s Spotify link (B starts its own)',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('POST', '/api/v1/spotify/sign-in', b.token),
  },
  {
    name: 'GET /api/v1/spotify/status',
    resource: 'A’s Spotify link',
    expected: 'ok',
    names: () => [],
    attempt: async ({ rest, b }) => {
      const answer = await rest('GET', '/api/v1/spotify/status', b.token);
      expect(answer.body).toMatchObject({ linked: false });
      return answer;
    },
  },
  {
    name: 'POST /api/v1/spotify/sign-out',
    resource: 'A’s Spotify link',
    expected: 'ok',
    names: () => [],
    attempt: ({ rest, b }) => rest('POST', '/api/v1/spotify/sign-out', b.token),
  },
  {
    name: 'POST /api/v1/recommendations/:id/playlist',
    resource: 'A’s recommendation (export)',
    expected: 'forbidden',
    names: (o) => [o.recommendationId],
    attempt: ({ rest, b, owned: o }) =>
      rest('POST', `/api/v1/recommendations/${o.recommendationId}/playlist`, b.token, { body: {} }),
  },
];

export const socketRows: Row<ClientEventName>[] = [
  {
    name: 'session:create',
    resource: 'none (B’s own session)',
    expected: 'ok',
    names: () => [],
    attempt: ({ emit, b }) => emit(b, 'session:create', {}),
  },
  {
    name: 'session:join',
    resource: 'A’s session and messages',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ emit, b, owned: o }) => emit(b, 'session:join', { sessionId: o.sessionId }),
  },
  {
    name: 'message:send',
    resource: 'A’s session',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ emit, b, owned: o }) =>
      emit(b, 'message:send', { sessionId: o.sessionId, clientMsgId: 'from-b', text: 'hello from B' }),
  },
  {
    name: 'turn:cancel',
    resource: 'A’s turn',
    expected: 'forbidden',
    names: (o) => [o.sessionId, o.turnId],
    attempt: ({ emit, b, owned: o }) => emit(b, 'turn:cancel', { sessionId: o.sessionId, turnId: o.turnId }),
  },
  {
    name: 'feedback',
    resource: 'A’s recommendation and feedback',
    expected: 'forbidden',
    names: (o) => [o.recommendationId, o.trackId],
    attempt: ({ emit, b, owned: o }) =>
      emit(b, 'feedback', {
        recommendationId: o.recommendationId,
        trackId: o.trackId,
        signal: 'dislike',
      }),
  },
  {
    name: 'typing',
    resource: 'A’s session',
    expected: 'forbidden',
    names: (o) => [o.sessionId],
    attempt: ({ emit, b, owned: o }) => emit(b, 'typing', { sessionId: o.sessionId, on: true }),
  },
  {
    name: 'auth:refresh',
    resource: 'A’s identity (A’s token on B’s socket)',
    expected: 'forbidden',
    names: () => [],
    attempt: ({ emit, a, b }) => emit(b, 'auth:refresh', { token: a.token }),
  },
];

export function verdictOf(response: Response, body: unknown): string {
  if (response.status >= 200 && response.status < 300) return 'ok';
  if (response.status >= 300 && response.status < 400) {
    const location = new URL(response.headers.get('location') ?? '/', 'http://x');
    return `redirect:${location.searchParams.get('reason') ?? location.searchParams.get('spotify')}`;
  }
  const code = (body as { error?: { code?: ErrorCode } }).error?.code;
  // Each refusal carries the catalog's status for its code.
  if (code === undefined || errorCatalog[code].status !== response.status) return `status ${response.status}`;
  return code;
}

export function idsOf(owner: Listener, owned: Owned): string[] {
  return [
    owner.userId,
    owner.token,
    owned.sessionId,
    ...owned.messageIds,
    owned.turnId,
    owned.recommendationId,
    owned.feedbackId,
    owned.importId,
    owned.playlistId,
    owned.pendingState,
  ];
}
