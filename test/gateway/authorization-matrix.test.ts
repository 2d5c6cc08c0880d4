import { readFileSync, rmSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCatalog } from '../../src/errors.js';
import { type ClientEventName, clientPayloadSchemas, type ErrorCode } from '../../src/protocol/index.js';
import { fixture } from '../listening/read-all.js';
import type { TestClient } from '../support/echotune-server.js';
import { TestClient as SocketClient } from '../support/echotune-server.js';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';
import { importHistory, uploadHistory } from '../support/history-uploads.js';
import { type RouteKey, restRoutes, routeKey } from '../support/rest-routes.js';
import { recordedRoutes } from '../support/route-recorder.js';
import {
  type SpotifyTestServer,
  signInWithSpotify,
  startSpotifyServer,
} from '../support/spotify-echotune.js';

// The server runs in this process: its Fastify instance reports each route it registers.
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('../support/route-recorder.js');
  return recordingFastify(await importOriginal<typeof import('fastify')>());
});

const JWT_SECRET = 's'.repeat(40);
const ADMIN_TOKEN = 'admin-token-of-the-matrix';
const history = () => readFileSync(fixture('Streaming_History_Audio_2023_0.json'));

interface Listener {
  token: string;
  userId: string;
  client: TestClient;
}

/** Everything listener A owns; B's attempts name these. */
interface Owned {
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
interface Answer {
  verdict: string;
  body: unknown;
}

type Expected = ErrorCode | 'ok' | `redirect:${string}`;

interface Row<Name extends string> {
  name: Name;
  /** A's resource the attempt names, or what it touches when it names none of A's. */
  resource: string;
  expected: Expected;
  /** A's ids the attempt itself sends (an answer may echo those, never any other of A's). */
  names: (owned: Owned) => string[];
  attempt: (b: Listener, owned: Owned) => Promise<Answer>;
}

describe('authorization matrix: listener B against listener A’s data', () => {
  let fake: FakeSpotify;
  let server: SpotifyTestServer;
  let a: Listener;
  let b: Listener;
  let owned: Owned;

  async function rest(
    method: string,
    path: string,
    token: string | undefined,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer & { status: number }> {
    const headers: Record<string, string> = { ...init.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    const body: unknown = text.length > 0 && text.startsWith('{') ? JSON.parse(text) : text;
    return { status: response.status, body, verdict: verdictOf(response, body) };
  }

  async function socket(sender: Listener, event: ClientEventName, payload: unknown): Promise<Answer> {
    const ack = await sender.client.request(event, payload);
    return { verdict: ack.ok ? 'ok' : ack.error.code, body: ack };
  }

  const restRows: Row<RouteKey>[] = [
    {
      name: 'GET /health',
      resource: 'none (public)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('GET', '/health', b.token),
    },
    {
      name: 'GET /ready',
      resource: 'none (public)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('GET', '/ready', b.token),
    },
    {
      name: 'GET /metrics',
      resource: 'the operator’s metrics',
      expected: 'unauthorized',
      names: () => [],
      attempt: () => rest('GET', '/metrics', b.token),
    },
    {
      name: 'OPTIONS *',
      // Not an allowed origin: no CORS headers, and the path does not take OPTIONS itself.
      resource: 'A’s session (a preflight for it from another site)',
      expected: 'method_not_allowed',
      names: (o) => [o.sessionId],
      attempt: (_b, o) =>
        rest('OPTIONS', `/api/v1/sessions/${o.sessionId}`, undefined, {
          headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'DELETE' },
        }),
    },
    {
      name: 'POST /api/v1/auth/guest',
      resource: 'none (a new listener)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('POST', '/api/v1/auth/guest', undefined),
    },
    {
      name: 'POST /api/v1/auth/refresh',
      resource: 'B’s own token',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('POST', '/api/v1/auth/refresh', b.token),
    },
    {
      name: 'GET /api/v1/spotify/callback',
      resource: 'A’s pending Spotify sign-in',
      expected: 'redirect:state',
      names: (o) => [o.pendingState],
      attempt: (_b, o) =>
        rest('GET', `/api/v1/spotify/callback?state=${o.pendingState}&code=forged`, b.token),
    },
    {
      name: 'POST /api/v1/admin/site-keys',
      resource: 'site keys (admin)',
      expected: 'unauthorized',
      names: () => [],
      attempt: () =>
        rest('POST', '/api/v1/admin/site-keys', b.token, {
          body: { name: 'B', origins: ['https://b.example'] },
        }),
    },
    {
      name: 'GET /api/v1/admin/site-keys',
      resource: 'site keys (admin)',
      expected: 'unauthorized',
      names: () => [],
      attempt: () => rest('GET', '/api/v1/admin/site-keys', b.token),
    },
    {
      name: 'DELETE /api/v1/admin/site-keys/:key',
      resource: 'a site key (admin)',
      expected: 'unauthorized',
      names: (o) => [o.siteKey],
      attempt: (_b, o) => rest('DELETE', `/api/v1/admin/site-keys/${o.siteKey}`, b.token),
    },
    {
      name: 'GET /api/v1/sessions',
      resource: 'A’s session list',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('GET', '/api/v1/sessions', b.token),
    },
    {
      name: 'PATCH /api/v1/sessions/:id',
      resource: 'A’s session',
      expected: 'forbidden',
      names: (o) => [o.sessionId],
      attempt: (_b, o) =>
        rest('PATCH', `/api/v1/sessions/${o.sessionId}`, b.token, { body: { title: 'B was here' } }),
    },
    {
      name: 'DELETE /api/v1/sessions/:id',
      resource: 'A’s session',
      expected: 'forbidden',
      names: (o) => [o.sessionId],
      attempt: (_b, o) => rest('DELETE', `/api/v1/sessions/${o.sessionId}`, b.token),
    },
    {
      name: 'GET /api/v1/sessions/:id/messages',
      resource: 'A’s messages',
      expected: 'forbidden',
      names: (o) => [o.sessionId],
      attempt: (_b, o) => rest('GET', `/api/v1/sessions/${o.sessionId}/messages`, b.token),
    },
    {
      name: 'POST /api/v1/recommend',
      resource: 'A’s taste (B’s recommendations)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('POST', '/api/v1/recommend', b.token, { body: { mood: 'calm', limit: 5 } }),
    },
    {
      name: 'GET /api/v1/providers',
      resource: 'none (deployments)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('GET', '/api/v1/providers', b.token),
    },
    {
      name: 'GET /api/v1/stats',
      resource: 'A’s listening history',
      expected: 'ok',
      names: () => [],
      attempt: async () => {
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
      attempt: async () => {
        const { status, body } = await uploadHistory(server.url, b.token, [
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
      attempt: (_b, o) => rest('GET', `/api/v1/imports/${o.importId}`, b.token),
    },
    {
      name: 'POST /api/v1/spotify/sign-in',
      resource: 'A’s Spotify link (B starts its own)',
      expected: 'ok',
      names: () => [],
      attempt: () => rest('POST', '/api/v1/spotify/sign-in', b.token),
    },
    {
      name: 'GET /api/v1/spotify/status',
      resource: 'A’s Spotify link',
      expected: 'ok',
      names: () => [],
      attempt: async () => {
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
      attempt: () => rest('POST', '/api/v1/spotify/sign-out', b.token),
    },
    {
      name: 'POST /api/v1/recommendations/:id/playlist',
      resource: 'A’s recommendation (export)',
      expected: 'forbidden',
      names: (o) => [o.recommendationId],
      attempt: (_b, o) =>
        rest('POST', `/api/v1/recommendations/${o.recommendationId}/playlist`, b.token, { body: {} }),
    },
  ];

  const socketRows: Row<ClientEventName>[] = [
    {
      name: 'session:create',
      resource: 'none (B’s own session)',
      expected: 'ok',
      names: () => [],
      attempt: (b) => socket(b, 'session:create', {}),
    },
    {
      name: 'session:join',
      resource: 'A’s session and messages',
      expected: 'forbidden',
      names: (o) => [o.sessionId],
      attempt: (b, o) => socket(b, 'session:join', { sessionId: o.sessionId }),
    },
    {
      name: 'message:send',
      resource: 'A’s session',
      expected: 'forbidden',
      names: (o) => [o.sessionId],
      attempt: (b, o) =>
        socket(b, 'message:send', { sessionId: o.sessionId, clientMsgId: 'from-b', text: 'hello from B' }),
    },
    {
      name: 'turn:cancel',
      resource: 'A’s turn',
      expected: 'forbidden',
      names: (o) => [o.sessionId, o.turnId],
      attempt: (b, o) => socket(b, 'turn:cancel', { sessionId: o.sessionId, turnId: o.turnId }),
    },
    {
      name: 'feedback',
      resource: 'A’s recommendation and feedback',
      expected: 'forbidden',
      names: (o) => [o.recommendationId, o.trackId],
      attempt: (b, o) =>
        socket(b, 'feedback', {
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
      attempt: (b, o) => socket(b, 'typing', { sessionId: o.sessionId, on: true }),
    },
    {
      name: 'auth:refresh',
      resource: 'A’s identity (A’s token on B’s socket)',
      expected: 'forbidden',
      names: () => [],
      attempt: (b) => socket(b, 'auth:refresh', { token: a.token }),
    },
  ];

  beforeAll(async () => {
    fake = await startFakeSpotify();
    server = await startSpotifyServer(fake, {
      env: { JWT_SECRET, ADMIN_TOKEN, METRICS_TOKEN: 'metrics-token-of-the-matrix', SERVE_CLIENT: 'false' },
    });
    a = await listener();
    owned = await buildWorldOf(a);
    b = await listener();
  });

  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    if (server) rmSync(server.spotifyDataDir, { recursive: true, force: true });
  });

  async function listener(): Promise<Listener> {
    const { token, userId } = await server.guest();
    return { token, userId, client: await server.connect(token) };
  }

  /** A's session with a turn, its recommendation, feedback on it, an import, a playlist export. */
  async function buildWorldOf(owner: Listener): Promise<Owned> {
    const { session } = await owner.client.ok('session:create', { title: 'A’s session' });
    await owner.client.ok('message:send', { sessionId: session.id, clientMsgId: 'a1', text: 'calm piano' });
    const recs = await owner.client.waitFor('turn:recs');
    await owner.client.waitFor('turn:done');
    const trackId = recs.tracks[0]!.id;
    const { feedbackId } = await owner.client.ok('feedback', {
      recommendationId: recs.recommendationId,
      trackId,
      signal: 'like',
    });
    const job = await importHistory(server.url, owner.token, owner.client, [
      { name: 'Streaming_History_Audio_2023_0.json', data: history() },
    ]);
    fake.catalog = recs.tracks.map((track) => fakeTrack(track.name, track.artists[0]!));
    await signInWithSpotify(server, owner.token);
    const playlist = await rest(
      'POST',
      `/api/v1/recommendations/${recs.recommendationId}/playlist`,
      owner.token,
      {
        body: {},
      },
    );
    expect(playlist.status).toBe(201);
    const pending = await fetch(`${server.url}/api/v1/spotify/sign-in`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
    });
    const { url } = (await pending.json()) as { url: string };
    const siteKey = await rest('POST', '/api/v1/admin/site-keys', ADMIN_TOKEN, {
      body: { name: 'Partner', origins: ['https://partner.example'] },
    });
    const joined = await owner.client.ok('session:join', { sessionId: session.id });
    return {
      sessionId: session.id,
      messageIds: joined.messages.map((message) => message.id),
      turnId: recs.turnId,
      recommendationId: recs.recommendationId,
      trackId,
      feedbackId,
      importId: job.id,
      playlistId: (playlist.body as { playlistId: string }).playlistId,
      pendingState: new URL(url).searchParams.get('state') ?? '',
      pendingAuthorizeUrl: url,
      pendingCookie: (pending.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      siteKey: (siteKey.body as { key: string }).key,
    };
  }

  /** Everything of A's as A reads it (Spotify's sync time aside: it moves on its own). */
  async function snapshotOfA() {
    const joined = await a.client.ok('session:join', { sessionId: owned.sessionId });
    const status = await rest('GET', '/api/v1/spotify/status', a.token);
    return {
      joined,
      sessions: (await rest('GET', '/api/v1/sessions', a.token)).body,
      messages: (await rest('GET', `/api/v1/sessions/${owned.sessionId}/messages`, a.token)).body,
      importJob: (await rest('GET', `/api/v1/imports/${owned.importId}`, a.token)).body,
      stats: (await rest('GET', '/api/v1/stats', a.token)).body,
      spotifyLinked: (status.body as { linked: boolean }).linked,
      playlists: [...fake.playlists.keys()].sort(),
      siteKeys: (await rest('GET', '/api/v1/admin/site-keys', ADMIN_TOKEN)).body,
    };
  }

  it('has a row for every REST route the server registers and every client socket event', () => {
    const registered = [...new Set(recordedRoutes.map(routeKey))].sort();
    const table = restRoutes.map(routeKey).sort();
    expect(table, 'test/support/rest-routes.ts lists exactly the registered routes').toEqual(registered);
    expect(restRows.map((row) => row.name).sort()).toEqual(table);
    expect(socketRows.map((row) => row.name).sort()).toEqual(Object.keys(clientPayloadSchemas).sort());
  });

  it('refuses every attempt on A’s data and leaks none of A’s ids; A’s data is unchanged', async () => {
    const before = await snapshotOfA();
    const seen: Array<{ row: string; resource: string; verdict: string }> = [];
    for (const row of [...restRows, ...socketRows]) {
      const answer = await row.attempt(b, owned);
      seen.push({ row: row.name, resource: row.resource, verdict: answer.verdict });
      const allowed = new Set(row.names(owned));
      const leaked = idsOf(a, owned).filter(
        (id) => !allowed.has(id) && JSON.stringify(answer.body).includes(id),
      );
      expect(leaked, `${row.name} answered with A's ids`).toEqual([]);
    }
    expect(seen).toEqual(
      [...restRows, ...socketRows].map(({ name, resource, expected }) => ({
        row: name,
        resource,
        verdict: expected,
      })),
    );
    expect(b.client.socket.connected).toBe(true);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('B hears nothing of A’s session, and A’s pending sign-in survived B’s forged callback', async () => {
    const heard = b.client.events.length;
    const peer = await server.connect(a.token);
    await peer.ok('session:join', { sessionId: owned.sessionId });
    await a.client.ok('typing', { sessionId: owned.sessionId, on: true });
    await peer.waitFor('typing', ({ sessionId }) => sessionId === owned.sessionId);
    const later = b.client.events.slice(heard);
    expect(later.filter((item) => JSON.stringify(item.payload).includes(owned.sessionId))).toEqual([]);

    const authorize = await fetch(owned.pendingAuthorizeUrl, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, {
      redirect: 'manual',
      headers: { cookie: owned.pendingCookie },
    });
    expect(callback.headers.get('location')).toMatch(/^\/\?spotify=linked/);
  });

  describe('tampered tokens, on REST and on the socket', () => {
    const signed = (secret: string, claims: { sub: string; exp: number; iss?: string }) =>
      new SignJWT({ kind: 'guest' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer(claims.iss ?? 'echotune')
        .setIssuedAt()
        .setExpirationTime(claims.exp)
        .sign(new TextEncoder().encode(secret));
    const now = () => Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const tampered: Array<[string, () => Promise<string>]> = [
      ['a changed signature', async () => flipSignature(a.token)],
      ['alg none', async () => `${encode({ alg: 'none', typ: 'JWT' })}.${a.token.split('.')[1]}.`],
      [
        'B’s token with A’s subject',
        async () => {
          const [header, payload, signature] = b.token.split('.') as [string, string, string];
          const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
          return `${header}.${encode({ ...claims, sub: a.userId })}.${signature}`;
        },
      ],
      [
        'expired beyond the refresh grace',
        () => signed(JWT_SECRET, { sub: a.userId, exp: now() - 30 * 86_400 }),
      ],
      ['signed with another secret', () => signed('o'.repeat(40), { sub: a.userId, exp: now() + 3_600 })],
      ['another issuer', () => signed(JWT_SECRET, { sub: a.userId, exp: now() + 3_600, iss: 'elsewhere' })],
      ['not a JWT', async () => 'not.a.jwt'],
    ];

    it.each(tampered)(
      '%s: 401 on REST, refused at the handshake and by auth:refresh',
      async (_what, make) => {
        const token = await make();
        for (const [method, path] of [
          ['GET', '/api/v1/sessions'],
          ['GET', `/api/v1/sessions/${owned.sessionId}/messages`],
          ['POST', '/api/v1/auth/refresh'],
        ] as const) {
          const answer = await rest(method, path, token);
          expect({ path, status: answer.status, verdict: answer.verdict }).toEqual({
            path,
            status: 401,
            verdict: 'unauthorized',
          });
        }
        const refusal = await SocketClient.connect(server.url, token).then(
          (client) => {
            client.socket.disconnect();
            return 'connected';
          },
          (error: { data?: { code?: string } }) => error.data?.code,
        );
        expect(refusal).toBe('unauthorized');
        expect(await socket(b, 'auth:refresh', { token })).toMatchObject({ verdict: 'unauthorized' });
        expect(await socket(b, 'session:join', { sessionId: owned.sessionId })).toMatchObject({
          verdict: 'forbidden',
        });
      },
    );
  });
});

function verdictOf(response: Response, body: unknown): string {
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

function idsOf(owner: Listener, owned: Owned): string[] {
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

/** The same token with one signature character changed (one in the middle: its bits all count). */
function flipSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const middle = Math.floor(signature.length / 2);
  const changed = signature[middle] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, middle)}${changed}${signature.slice(middle + 1)}`;
}
