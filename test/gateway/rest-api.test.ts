import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

describe('REST API', () => {
  let server: TestServer;
  let token: string;
  const get = (path: string, bearer: string | null = token) =>
    fetch(`${server.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  beforeAll(async () => {
    server = await startTestServer();
    token = (await server.guest()).token;
  });
  afterAll(() => server.stop());

  it('reports health with the store kind', async () => {
    const response = await get('/health', null);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
  });

  it('requires a bearer token on /api/v1 routes', async () => {
    for (const bearer of [null, 'garbage']) {
      const response = await get('/api/v1/sessions', bearer);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('lists the caller’s sessions newest first, page by page with a cursor', async () => {
    const client = await server.connect(token);
    const titles = ['one', 'two', 'three'];
    for (const title of titles) await client.ok('session:create', { title });
    const first = (await (await get('/api/v1/sessions?limit=2')).json()) as {
      items: Array<{ title: string }>;
      nextCursor: string | null;
    };
    expect(first.items.map((session) => session.title)).toEqual(['three', 'two']);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (await get(`/api/v1/sessions?limit=2&cursor=${first.nextCursor}`)).json()) as {
      items: Array<{ title: string }>;
      nextCursor: string | null;
    };
    expect(second.items.map((session) => session.title)).toEqual(['one']);
    expect(second.nextCursor).toBeNull();

    const stranger = (await server.guest()).token;
    const theirs = (await (await get('/api/v1/sessions', stranger)).json()) as { items: unknown[] };
    expect(theirs.items).toEqual([]);
  });

  it('pages through messages after a seq, and forbids other listeners', async () => {
    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'a', text: 'calm piano' });
    await client.waitFor('turn:done');
    const page = (await (await get(`/api/v1/sessions/${session.id}/messages?afterSeq=0&limit=1`)).json()) as {
      items: Array<{ seq: number; role: string }>;
      nextCursor: string | null;
    };
    expect(page.items).toMatchObject([{ seq: 1, role: 'user' }]);
    const rest = (await (await get(`/api/v1/sessions/${session.id}/messages?afterSeq=1`)).json()) as {
      items: Array<{ seq: number; role: string }>;
    };
    expect(rest.items).toMatchObject([{ seq: 2, role: 'assistant' }]);

    const stranger = (await server.guest()).token;
    const forbidden = await get(`/api/v1/sessions/${session.id}/messages`, stranger);
    expect(forbidden.status).toBe(403);
    const invalid = await get(`/api/v1/sessions/${session.id}/messages?limit=abc`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { code: 'invalid', message: expect.stringContaining('limit') },
    });
  });

  it('validates POST /api/v1/recommend and names the bad field', async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/v1/recommend`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const cases: Array<[unknown, string]> = [
      [{ target_energy: 3 }, 'target_energy'],
      [{ min_tempo: 'fast' }, 'min_tempo'],
      [{ limit: 500 }, 'limit'],
      [{ seed_artists: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'seed_artists'],
      [{ explicit: 'no' }, 'explicit'],
      [{ userId: 'someone-else' }, 'userId'],
      [[1, 2], 'body: '],
    ];
    for (const [body, field] of cases) {
      const bad = await post(body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: { code: 'invalid', message: expect.stringContaining(field) },
      });
    }

    const good = await post({ mood: 'calm', limit: 5 });
    expect(good.status).toBe(200);
    const body = (await good.json()) as { tracks: Array<{ reasons: string[] }> };
    expect(body.tracks).toHaveLength(5);
    expect(body.tracks[0]?.reasons.length).toBeGreaterThan(0);
  });

  it('keeps the admin API off without ADMIN_TOKEN, saying how to turn it on', async () => {
    for (const bearer of [null, token]) {
      const response = await get('/api/v1/admin/site-keys', bearer);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { code: 'not_found', message: expect.stringContaining('ADMIN_TOKEN') },
      });
    }
  });

  it('answers unknown routes with the error envelope', async () => {
    const response = await get('/api/v1/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('lists the provider deployments with their health', async () => {
    const response = await get('/api/v1/providers');
    const body = (await response.json()) as { deployments: Array<{ id: string; circuit: string }> };
    expect(body.deployments).toContainEqual(expect.objectContaining({ id: 'offline', circuit: 'closed' }));
  });
});
