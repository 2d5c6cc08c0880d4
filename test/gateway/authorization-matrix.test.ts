import { rmSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientEventName, clientPayloadSchemas } from '../../src/protocol/index.js';
import { TestClient } from '../support/echotune-server.js';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';
import { importHistory } from '../support/history-uploads.js';
import { restRoutes, routeKey, servedRoutes } from '../support/rest-routes.js';
import {
  type SpotifyTestServer,
  signInWithSpotify,
  startSpotifyServer,
} from '../support/spotify-echotune.js';
import {
  type Answer,
  type Attempt,
  history,
  idsOf,
  type Listener,
  type Owned,
  restRows,
  socketRows,
  verdictOf,
} from './authorization-rows.js';

const JWT_SECRET = 's'.repeat(40);
const ADMIN_TOKEN = 'admin-token-of-the-matrix';

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

  const attempt = (): Attempt => ({ a, b, owned, serverUrl: server.url, rest, emit: socket });

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
    const exportPath = `/api/v1/recommendations/${recs.recommendationId}/playlist`;
    const playlist = await rest('POST', exportPath, owner.token, { body: {} });
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
    const registered = servedRoutes(server);
    const table = restRoutes.map(routeKey).sort();
    expect(table, 'test/support/rest-routes.ts lists exactly the registered routes').toEqual(registered);
    expect(restRows.map((row) => row.name).sort()).toEqual(table);
    expect(socketRows.map((row) => row.name).sort()).toEqual(Object.keys(clientPayloadSchemas).sort());
  });

  it('refuses every attempt on A’s data and leaks none of A’s ids; A’s data is unchanged', async () => {
    const before = await snapshotOfA();
    const seen: Array<{ row: string; resource: string; verdict: string }> = [];
    for (const row of [...restRows, ...socketRows]) {
      const answer = await row.attempt(attempt());
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
        const refusal = await TestClient.connect(server.url, token).then(
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

/** The same token with one signature character changed (one in the middle: its bits all count). */
function flipSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const middle = Math.floor(signature.length / 2);
  const changed = signature[middle] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, middle)}${changed}${signature.slice(middle + 1)}`;
}
