import { readFileSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../listening/read-all.js';
import { type FakeSpotify, startFakeSpotify } from '../support/fake-spotify.js';
import { importHistory } from '../support/history-uploads.js';
import { fillPath, type RestRoute, restRoutes, routeKey } from '../support/rest-routes.js';
import { api, type SpotifyTestServer, startSpotifyServer } from '../support/spotify-echotune.js';
import {
  anyValue,
  assertShape,
  checkHealthMidRun,
  fuzzServerEnv,
  HEALTH_BUDGET_MS,
  healthLatencyMs,
  hostileString,
  hugeNumber,
  mutated,
  prototypeKeys,
  restErrorSchema,
  watchProcessFaults,
  wellFormed,
} from './fuzz-support.js';

const REQUEST_RUNS = 5_000;
const HEALTH_EVERY = 250;
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

/** What the fuzzing listener owns, so requests that name real ids reach past the lookups. */
interface Fixtures {
  token: string;
  sessionId: string;
  recommendationId: string;
  trackIds: string[];
  importId: string;
  siteKey: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

/** Header-safe text: printable ASCII only (fetch refuses the rest before anything is sent). */
const headerText = fc.string({ maxLength: 60 });

const queryKeys = [
  'cursor',
  'limit',
  'afterSeq',
  'period',
  'from',
  'to',
  'utcOffset',
  'top',
  'state',
  'code',
];

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 8 })),
      fc.oneof(
        hostileString,
        hugeNumber.map(String),
        fc.integer().map(String),
        fc.constantFrom('week', 'all'),
      ),
      { maxKeys: 4 },
    )
    .map((params) => `?${new URLSearchParams(wellFormedParams(params))}`),
  fc.string({ maxLength: 40 }).map((raw) => `?${raw}`),
  fc.constantFrom('?limit=0', '?limit=1e309', '?afterSeq=-1', '?from=2024-13-45', '?%zz=1', '?a[b]=1&a[c]=2'),
);

function wellFormedParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, wellFormed(value)]));
}

function pathSegment(): fc.Arbitrary<string> {
  return fc.oneof(
    hostileString.map((text) => encodeURIComponent(wellFormed(text))),
    fc.webSegment(),
    fc.constantFrom('%zz', '%', '..', '%2e%2e', '%2f', '%00', 'a'.repeat(300)),
  );
}

/** A valid body of each route that takes one, for near-valid mutations. */
function validBody(route: RestRoute, f: Fixtures): Record<string, unknown> {
  switch (routeKey(route)) {
    case 'POST /api/v1/auth/guest':
      return { displayName: 'Fuzz', siteKey: f.siteKey };
    case 'PATCH /api/v1/sessions/:id':
      return { title: 'Renamed' };
    case 'POST /api/v1/recommend':
      return { seed_genres: ['rock'], target_energy: 0.8, mood: 'calm', limit: 5 };
    case 'POST /api/v1/admin/site-keys':
      return { name: 'Fuzz site', origins: ['https://fuzz.example'] };
    case 'POST /api/v1/recommendations/:id/playlist':
      return { name: 'Fuzz list', trackIds: f.trackIds.slice(0, 2) };
    default:
      return {};
  }
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '{}';
  }
}

/** Multipart forms: the real fixture export, random file contents, odd file names, or no file at all. */
const multipartForm = fc
  .array(
    fc.record({
      field: fc.oneof(fc.constant('files'), fc.string({ maxLength: 8 })),
      name: fc.oneof(fc.constant('StreamingHistory_music_0.json'), hostileString),
      data: fc.oneof(
        fc.constant(readFileSync(fixture('Streaming_History_Audio_2023_0.json'), 'utf8')),
        anyValue.map(json),
        fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      ),
      asFile: fc.boolean(),
    }),
    { maxLength: 3 },
  )
  .map((parts) => {
    const form = new FormData();
    for (const part of parts) {
      if (part.asFile) form.append(part.field, new Blob([part.data]), wellFormed(part.name));
      else form.append(part.field, wellFormed(part.data));
    }
    return form;
  });

type Body = { body?: string | FormData; contentType?: string };

function bodyFor(route: RestRoute | null, f: Fixtures): fc.Arbitrary<Body> {
  const base = route === null ? {} : validBody(route, f);
  return fc.oneof(
    fc.constant({}),
    mutated(base).map((value) => ({ body: json(value), contentType: 'application/json' })),
    anyValue.map((value) => ({ body: json(value), contentType: 'application/json' })),
    fc.record({
      body: fc.oneof(hostileString.map(wellFormed), fc.constantFrom('{', '{"a":', 'null')),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/json; charset=utf-16',
        'image/png',
      ),
    }),
    fc.record({ body: fc.string({ maxLength: 20 }), contentType: headerText }),
    multipartForm.map((form) => ({ body: form })),
  );
}

/** Mostly the credential the route takes (so requests get past authentication), sometimes any other. */
function credentials(route: RestRoute | null, f: Fixtures): fc.Arbitrary<string | undefined> {
  const takes = {
    public: undefined,
    listener: `Bearer ${f.token}`,
    admin: `Bearer ${fuzzServerEnv.ADMIN_TOKEN}`,
    metrics: `Bearer ${fuzzServerEnv.METRICS_TOKEN}`,
  }[route?.access ?? 'public'];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(takes) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${f.token}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${fuzzServerEnv.ADMIN_TOKEN}`) },
    { weight: 1, arbitrary: headerText.map((text) => `Bearer ${text}`) },
    { weight: 1, arbitrary: headerText },
  );
}

function routeRequest(f: Fixtures): fc.Arbitrary<{ method: string; path: string; route: RestRoute }> {
  const id = fc.oneof(
    fc.constantFrom(f.sessionId, f.recommendationId, f.importId),
    hostileString.map(wellFormed),
  );
  const key = fc.oneof(fc.constant(f.siteKey), hostileString.map(wellFormed));
  return fc
    .record({
      route: fc.constantFrom<RestRoute>(...restRoutes),
      otherMethod: fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...methods) },
      ),
      id,
      key,
      rest: fc.array(pathSegment(), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
    })
    .map(({ route, otherMethod, id, key, rest }) => ({
      route,
      method: otherMethod ?? route.method,
      path: fillPath(route.url, { id, key }, rest),
    }));
}

function fuzzRequest(f: Fixtures): fc.Arbitrary<FuzzRequest> {
  const target = fc.oneof(
    { weight: 4, arbitrary: routeRequest(f) },
    {
      weight: 1,
      arbitrary: fc.record({
        route: fc.constant(null),
        method: fc.constantFrom(...methods),
        path: fc.array(pathSegment(), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
      }),
    },
  );
  return target.chain(({ route, method, path }) =>
    fc
      .record({
        query: queryString,
        authorization: credentials(route, f),
        origin: fc.option(fc.oneof(fc.constantFrom('https://evil.example', 'null'), headerText)),
        body: bodyFor(route, f),
      })
      .map(({ query, authorization, origin, body }) => {
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        if (origin !== null) headers.origin = origin;
        const sendsBody = method !== 'GET' && method !== 'HEAD' && body.body !== undefined;
        if (sendsBody && body.contentType !== undefined) headers['content-type'] = body.contentType;
        const request: FuzzRequest = { method, path, query, headers };
        if (sendsBody) request.body = body.body;
        return request;
      }),
  );
}

function describeRequest(request: FuzzRequest): string {
  const body = typeof request.body === 'string' ? request.body.slice(0, 200) : request.body ? '(form)' : '';
  return `${request.method} ${request.path}${request.query} ${JSON.stringify(request.headers)} ${body}`;
}

describe('fuzz: every HTTP route', () => {
  let fake: FakeSpotify;
  let server: SpotifyTestServer;
  let fixtures: Fixtures;
  const faults = watchProcessFaults();
  const prototypesBefore = prototypeKeys();
  const counted = { requests: 0, healthChecks: 0, slowestHealthMs: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    fake = await startFakeSpotify();
    server = await startSpotifyServer(fake, { env: { ...fuzzServerEnv, IMPORT_PROGRESS_INTERVAL_MS: '0' } });
    const { token } = await server.guest();
    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'fixture', text: 'calm piano' });
    const recs = await client.waitFor('turn:recs');
    const history = readFileSync(fixture('Streaming_History_Audio_2023_0.json'));
    const job = await importHistory(server.url, token, client, [
      { name: 'Streaming_History_Audio_2023_0.json', data: history },
    ]);
    const created = await fetch(`${server.url}/api/v1/admin/site-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fuzzServerEnv.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Fuzz', origins: ['https://fuzz.example'] }),
    });
    fixtures = {
      token,
      sessionId: session.id,
      recommendationId: recs.recommendationId,
      trackIds: recs.tracks.map((track) => track.id),
      importId: job.id,
      siteKey: ((await created.json()) as { key: string }).key,
    };
  });

  afterAll(async () => {
    faults.stop();
    await server?.stop();
    await fake?.close();
    if (server) rmSync(server.spotifyDataDir, { recursive: true, force: true });
  });

  it(`answers ${REQUEST_RUNS} generated requests with no 5xx and every refusal in the documented shape`, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(fixtures), async (request) => {
        const init: RequestInit = {
          method: request.method,
          headers: request.headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(5_000),
        };
        if (request.body !== undefined) init.body = request.body;
        const response = await fetch(`${server.url}${request.path}${request.query}`, init);
        const text = await response.text();
        counted.requests += 1;
        counted.byStatus.set(response.status, (counted.byStatus.get(response.status) ?? 0) + 1);
        const what = `${describeRequest(request)} → ${response.status}`;
        if (response.status >= 500) throw new Error(`${what} ${text.slice(0, 300)}`);
        // HEAD answers carry no body to check.
        if (response.status >= 400 && request.method !== 'HEAD')
          assertShape(restErrorSchema, parse(text), what);
        if (counted.requests % HEALTH_EVERY === 0) await checkHealthMidRun(server.url, counted);
      }),
      { numRuns: REQUEST_RUNS },
    );
    const statuses = [...counted.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.info(
      `http fuzz: ${counted.requests} requests in ${Math.round(performance.now() - started)} ms ` +
        `(${statuses.join(' ')}), slowest /health ${Math.round(counted.slowestHealthMs)} ms over ${counted.healthChecks} checks`,
    );
    expect(counted.requests).toBeGreaterThanOrEqual(REQUEST_RUNS);
  }, 120_000);

  it('is still healthy afterwards: /health answers 200 quickly and the API still serves a listener', async () => {
    expect(await healthLatencyMs(server.url)).toBeLessThan(HEALTH_BUDGET_MS);
    const { token } = await server.guest();
    const sessions = await api(server, token, '/api/v1/sessions');
    expect(sessions).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    const recommended = await api(server, token, '/api/v1/recommend', {
      method: 'POST',
      body: { mood: 'calm', limit: 3 },
    });
    expect(recommended.status).toBe(200);
    expect((recommended.body.tracks as unknown[]).length).toBeGreaterThan(0);
  });

  it('saw no unhandled rejection and no process warning', () => {
    expect(faults.rejections).toEqual([]);
    expect(faults.warnings).toEqual([]);
  });

  it('left the shared prototypes as they were (no payload polluted them)', () => {
    expect(prototypeKeys()).toEqual(prototypesBefore);
  });
});

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
