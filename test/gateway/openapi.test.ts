import { rmSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';
import { accountDataFile } from '../support/history-uploads.js';
import { documentationPage } from '../support/rest-routes.js';
import {
  type SpotifyTestServer,
  signInWithSpotify,
  startSpotifyServer,
} from '../support/spotify-echotune.js';

/**
 * The served OpenAPI document against the running server: every route is in it (or deliberately left
 * out), and every answer the scenario below receives, successes and refusals alike, has a status the
 * document lists for that operation and a body its schema accepts.
 */

const ADMIN_TOKEN = 'admin-token-for-openapi-test';
/** Served but not part of the API: the document itself, its page, and the chat page's files. */
const undocumented = [/^\/api\/v1\/openapi\.json$/, documentationPage, /^\/\*?$/, /^\/widget/];

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

/** Calls the server and checks each answer against the document; remembers which operations were met. */
class DocumentedApi {
  readonly exercised = new Set<string>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  constructor(
    readonly document: OpenApiDocument,
    private readonly baseUrl: string,
  ) {
    this.#ajv.addSchema(document, 'openapi');
  }

  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  async call(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; form?: FormData; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      redirect: 'manual',
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const body = contentType.includes('json') && text !== '' ? JSON.parse(text) : text;
    this.check(method, path, response.status, contentType, body);
    return { status: response.status, body };
  }

  check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const { template, operation } = this.operationFor(method, path);
    const where = `${method} ${template} → ${status}`;
    this.exercised.add(`${method} ${template}`);
    const documented = operation.responses[String(status)];
    expect(documented, `${where} is not a documented status`).toBeDefined();
    const media = Object.keys(documented?.content ?? {}).find((type) => contentType.startsWith(type));
    if (documented?.content === undefined) return;
    expect(media, `${where}: ${contentType} is not a documented content type`).toBeDefined();
    if (!contentType.includes('json')) return;
    const pointer = `openapi#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${status}/content/${escapePointer(media ?? '')}/schema`;
    const validate = this.validatorFor(pointer);
    const valid = validate(body);
    expect(
      valid,
      `${where}: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`,
    ).toBe(true);
  }

  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: pointer });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }

  private operationFor(method: string, path: string): { template: string; operation: Operation } {
    const bare = path.split('?')[0] ?? path;
    for (const [template, methods] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = methods[method.toLowerCase()];
      if (pattern.test(bare) && operation !== undefined) return { template, operation };
    }
    throw new Error(`${method} ${bare} is not in the document`);
  }
}

function escapePointer(part: string): string {
  return encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1'));
}

/** Fastify's `/a/:id` as OpenAPI's `/a/{id}`. */
function asTemplate(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

describe('the OpenAPI document', () => {
  let fake: FakeSpotify;
  let server: SpotifyTestServer;
  let api: DocumentedApi;

  beforeAll(async () => {
    fake = await startFakeSpotify();
    server = await startSpotifyServer(fake, { env: { ADMIN_TOKEN } });
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    api = new DocumentedApi((await response.json()) as OpenApiDocument, server.url);
  });
  afterAll(async () => {
    await server.stop();
    await fake.close();
    rmSync(server.spotifyDataDir, { recursive: true, force: true });
  });

  it('lists every route the server answers, and nothing it does not', () => {
    const served = server.routes
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .filter((route) => !undocumented.some((pattern) => pattern.test(route.url)))
      .map((route) => `${route.method} ${asTemplate(route.url)}`);
    expect(new Set(served).size).toBeGreaterThanOrEqual(20);
    expect([...new Set(served)].sort()).toEqual(api.operations().sort());
  });

  it('names the security, a summary and the error shape on every operation', () => {
    for (const [path, methods] of Object.entries(api.document.paths)) {
      for (const [method, operation] of Object.entries(methods) as Array<
        [string, Operation & Record<string, unknown>]
      >) {
        const where = `${method} ${path}`;
        expect(operation.summary, where).toEqual(expect.any(String));
        expect(operation.security, where).toBeDefined();
        if (path.startsWith('/api/v1/')) expect(operation.responses['500'], where).toBeDefined();
      }
    }
  });

  it('serves a browsable page whose own CSP allows its inline styles and nothing else new', async () => {
    const page = await fetch(`${server.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("script-src 'self';");
    const chat = await fetch(`${server.url}/`);
    expect(chat.headers.get('content-security-policy')).toContain("style-src 'self';");
  });

  it('has teeth: a body or status the document does not allow fails the check', () => {
    const check = (status: number, body: unknown) => () =>
      api.check('GET', '/api/v1/sessions', status, 'application/json; charset=utf-8', body);
    expect(check(200, { items: [], nextCursor: null })).not.toThrow();
    expect(check(200, { items: 'none', nextCursor: null })).toThrow(/must be array/);
    expect(check(400, { error: { code: 'no_such_code', message: 'x', retryable: false } })).toThrow();
    expect(check(418, {})).toThrow(/not a documented status/);
  });

  it('answers every operation, successes and refusals, as the document says', async () => {
    const probes = ['/health', '/ready'];
    for (const path of probes) expect((await api.call('GET', path)).status).toBe(200);
    expect((await api.call('GET', '/metrics')).status).toBe(200);

    const guest = await api.call('POST', '/api/v1/auth/guest', { body: { displayName: 'Docs' } });
    expect(guest.status).toBe(200);
    const { token } = guest.body as { token: string };
    expect((await api.call('POST', '/api/v1/auth/guest', { body: { displayName: 7 } })).status).toBe(400);
    expect((await api.call('POST', '/api/v1/auth/refresh', { token })).status).toBe(200);
    expect((await api.call('POST', '/api/v1/auth/refresh', { token: 'nope' })).status).toBe(401);

    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', {
      sessionId: session.id,
      clientMsgId: 'c1',
      text: 'calm piano for studying',
    });
    const recs = await client.waitFor('turn:recs');
    await client.waitFor('turn:done');

    expect((await api.call('GET', '/api/v1/sessions?limit=5', { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/sessions?limit=0', { token })).status).toBe(400);
    expect((await api.call('GET', '/api/v1/sessions')).status).toBe(401);
    const messages = `/api/v1/sessions/${session.id}/messages`;
    expect((await api.call('GET', messages, { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/sessions/nope/messages', { token })).status).toBe(404);
    const rename = `/api/v1/sessions/${session.id}`;
    expect((await api.call('PATCH', rename, { token, body: { title: 'Study' } })).status).toBe(200);
    expect((await api.call('PATCH', rename, { token, body: { title: '' } })).status).toBe(400);

    expect(
      (await api.call('POST', '/api/v1/recommend', { token, body: { mood: 'upbeat', limit: 3 } })).status,
    ).toBe(200);
    expect((await api.call('POST', '/api/v1/recommend', { token, body: { limit: 'x' } })).status).toBe(400);
    expect((await api.call('GET', '/api/v1/providers', { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/stats?period=all', { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/stats?period=decade', { token })).status).toBe(400);

    const form = new FormData();
    const history = accountDataFile([
      { endTime: '2024-03-01 10:00', artistName: 'Bill Evans', trackName: 'Peace Piece', msPlayed: 200_000 },
    ]);
    form.append('files', new Blob([String(history.data)]), history.name);
    const upload = await api.call('POST', '/api/v1/imports', { token, form });
    expect(upload.status).toBe(202);
    const job = upload.body as { id: string };
    expect((await api.call('GET', `/api/v1/imports/${job.id}`, { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/imports/nope', { token })).status).toBe(404);
    expect((await api.call('POST', '/api/v1/imports', { token, body: {} })).status).toBe(400);

    expect((await api.call('GET', '/api/v1/spotify/status', { token })).status).toBe(200);
    const signedIn = await signInWithSpotify(server, token);
    expect(signedIn.token).not.toBeNull();
    const spotifyToken = signedIn.token ?? '';
    expect((await api.call('POST', '/api/v1/spotify/sign-in', { token: spotifyToken })).status).toBe(200);
    fake.catalog.push(...recs.tracks.map((track) => fakeTrack(track.name, track.artists[0] ?? 'Unknown')));
    const playlist = `/api/v1/recommendations/${recs.recommendationId}/playlist`;
    const exported = await api.call('POST', playlist, { token: spotifyToken, body: { name: 'Study' } });
    expect(exported.status, JSON.stringify(exported.body)).toBe(201);
    expect((await api.call('POST', playlist, { token: spotifyToken, body: { name: '' } })).status).toBe(400);
    expect((await api.call('GET', '/api/v1/spotify/callback?state=x&code=y')).status).toBe(302);
    expect((await api.call('POST', '/api/v1/spotify/sign-out', { token: spotifyToken })).status).toBe(200);

    const admin = { token: ADMIN_TOKEN };
    const created = await api.call('POST', '/api/v1/admin/site-keys', {
      ...admin,
      body: { name: 'Docs site', origins: ['https://docs.example'] },
    });
    expect(created.status).toBe(201);
    expect((await api.call('GET', '/api/v1/admin/site-keys', admin)).status).toBe(200);
    expect((await api.call('GET', '/api/v1/admin/site-keys', { token })).status).toBe(401);
    const key = (created.body as { key: string }).key;
    expect((await api.call('DELETE', `/api/v1/admin/site-keys/${key}`, admin)).status).toBe(200);
    expect(
      (await api.call('POST', '/api/v1/admin/site-keys', { ...admin, body: { name: 'x' } })).status,
    ).toBe(400);

    expect((await api.call('DELETE', rename, { token })).status).toBe(204);
    expect((await api.call('DELETE', rename, { token })).status).toBe(404);

    expect([...api.exercised].sort()).toEqual(api.operations().sort());
  });
});
