import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorPayload, GuestTokenResponse, SiteKey } from '../../src/protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../support/echotune-server.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const SHOP = 'https://shop.example';
const DEV = 'http://localhost:8080';
const STRANGER = 'https://elsewhere.example';
const APP = 'https://app.example';
const POLITE = /This site is not allowed to use this EchoTune widget/;

describe('site keys', () => {
  let server: TestServer;

  const admin = (method: string, path: string, options: { body?: unknown; bearer?: string | null } = {}) => {
    const bearer = options.bearer === undefined ? ADMIN_TOKEN : options.bearer;
    const headers: Record<string, string> = bearer === null ? {} : { authorization: `Bearer ${bearer}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${server.url}/api/v1/admin/site-keys${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  };
  const createKey = async (origins: string[], name = 'Shop'): Promise<SiteKey> => {
    const response = await admin('POST', '', { body: { name, origins } });
    expect(response.status).toBe(201);
    return (await response.json()) as SiteKey;
  };
  const guest = (body: unknown, origin?: string) =>
    fetch(`${server.url}/api/v1/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
      body: JSON.stringify(body),
    });
  const widgetToken = async (siteKey: string, origin: string): Promise<string> => {
    const response = await guest({ siteKey }, origin);
    expect(response.status).toBe(200);
    return ((await response.json()) as GuestTokenResponse).token;
  };
  const connectFrom = (token: string, origin?: string) =>
    TestClient.connect(server.url, token, origin === undefined ? {} : { extraHeaders: { origin } });
  const refusal = (connecting: Promise<TestClient>) =>
    connecting.then(
      (client) => {
        client.socket.disconnect();
        throw new Error('the handshake was accepted');
      },
      (error: Error & { data?: ErrorPayload }) => error.data,
    );

  beforeAll(async () => {
    server = await startTestServer({ ADMIN_TOKEN, CORS_ORIGINS: APP });
  });
  afterAll(() => server.stop());

  describe('admin API', () => {
    it('answers 401 without the admin token or with a wrong one, and never echoes it', async () => {
      const wrong = ['', 'test-admin-token-0123456780', 'short', `${ADMIN_TOKEN}x`];
      for (const bearer of [null, ...wrong]) {
        for (const [method, path] of [
          ['GET', ''],
          ['POST', ''],
          ['DELETE', '/pk_whatever000'],
        ] as const) {
          const response = await admin(method, path, { bearer, body: method === 'POST' ? {} : undefined });
          expect(response.status, `${method} ${bearer}`).toBe(401);
          const body = (await response.json()) as { error: ErrorPayload };
          expect(body.error).toMatchObject({
            code: 'unauthorized',
            message: expect.stringContaining('ADMIN_TOKEN'),
          });
          expect(JSON.stringify(body)).not.toContain(ADMIN_TOKEN);
        }
      }
      // A guest's listener token is not an admin token either.
      const { token } = await server.guest();
      expect((await admin('GET', '', { bearer: token })).status).toBe(401);
    });

    it('creates, lists and revokes keys', async () => {
      const created = await createKey(['https://Admin.Example:443', DEV], 'Admin shop');
      expect(created).toMatchObject({
        key: expect.stringMatching(/^pk_[A-Za-z0-9_-]{32}$/),
        name: 'Admin shop',
        origins: ['https://admin.example', DEV],
        revokedAt: null,
      });
      const listed = (await (await admin('GET', '')).json()) as { items: SiteKey[] };
      expect(listed.items).toContainEqual(created);

      const revoked = await admin('DELETE', `/${created.key}`);
      expect(revoked.status).toBe(200);
      expect(await revoked.json()).toEqual({ ...created, revokedAt: expect.any(String) });
      const after = (await (await admin('GET', '')).json()) as { items: SiteKey[] };
      expect(after.items.find((item) => item.key === created.key)?.revokedAt).not.toBeNull();
    });

    it('names the bad field, and answers 404 for a key it does not have', async () => {
      const cases: Array<[unknown, string]> = [
        [{ name: 'x', origins: ['ftp://a.example'] }, 'body.origins.0: must start with http'],
        [{ name: 'x', origins: ['https://*.example'] }, 'body.origins.0: wildcards are not allowed'],
        [{ name: 'x', origins: [] }, 'body.origins: must list at least one origin'],
        [{ origins: [SHOP] }, 'body.name'],
        [{ name: 'x', origins: [SHOP], key: 'pk_chosen000000' }, 'key'],
      ];
      for (const [body, message] of cases) {
        const response = await admin('POST', '', { body });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(await response.json()).toMatchObject({
          error: { code: 'invalid', message: expect.stringContaining(message) },
        });
      }
      const badKey = await admin('DELETE', '/not-a-key');
      expect(badKey.status).toBe(400);
      expect(await badKey.json()).toMatchObject({
        error: { message: expect.stringContaining('params.key') },
      });
      const unknown = await admin('DELETE', '/pk_unknown00000');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    });
  });

  describe('guest token through a site key', () => {
    let shopKey: SiteKey;
    beforeAll(async () => {
      shopKey = await createKey([SHOP, DEV]);
    });

    it('is issued from an allowed origin, scoped to the key', async () => {
      for (const origin of [SHOP, DEV]) {
        const response = await guest({ siteKey: shopKey.key, displayName: 'Ana' }, origin);
        expect(response.status).toBe(200);
        const body = (await response.json()) as GuestTokenResponse;
        expect(body).toMatchObject({ userId: expect.any(String), siteKey: shopKey.key });
        expect(decodeJwt(body.token)).toMatchObject({
          sub: body.userId,
          kind: 'guest',
          siteKey: shopKey.key,
        });
      }
    });

    it('is refused politely (403 forbidden) from another origin, without one, or for an unknown or revoked key', async () => {
      const revoked = await createKey([SHOP], 'Gone');
      expect((await admin('DELETE', `/${revoked.key}`)).status).toBe(200);
      const cases: Array<[string, string | undefined]> = [
        [shopKey.key, STRANGER],
        [shopKey.key, 'https://shop.example.elsewhere.example'],
        [shopKey.key, undefined],
        [shopKey.key, 'null'],
        ['pk_unknown00000', SHOP],
        [revoked.key, SHOP],
      ];
      for (const [siteKey, origin] of cases) {
        const response = await guest({ siteKey }, origin);
        expect(response.status, `${siteKey} from ${origin}`).toBe(403);
        expect(await response.json()).toMatchObject({
          error: { code: 'forbidden', message: expect.stringMatching(POLITE), retryable: false },
        });
      }
    });

    it('still issues tokens without a site key, unscoped, and validates the body with the shared schema', async () => {
      const plain = await guest({}, STRANGER);
      expect(plain.status).toBe(200);
      const body = (await plain.json()) as GuestTokenResponse;
      expect(body.siteKey).toBeUndefined();
      expect(decodeJwt(body.token).siteKey).toBeUndefined();
      const bad = await guest({ siteKey: 'sk_live_secret' }, SHOP);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { message: expect.stringContaining('body.siteKey') } });
    });
  });

  describe('CORS for the widget', () => {
    let corsKey: SiteKey;
    beforeAll(async () => {
      corsKey = await createKey(['https://cors.example']);
    });
    const preflight = (origin: string, path = '/api/v1/auth/guest') =>
      fetch(`${server.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });

    it('answers the guest-token preflight and a site-keyed request of an allowed origin with CORS headers', async () => {
      const response = await preflight('https://cors.example');
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://cors.example');
      expect(response.headers.get('access-control-allow-methods')).toBe('POST');
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'content-type, authorization, x-request-id',
      );
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const issued = await guest({ siteKey: corsKey.key }, 'https://cors.example');
      expect(issued.status).toBe(200);
      expect(issued.headers.get('access-control-allow-origin')).toBe('https://cors.example');
    });

    it('lets a refused page read its polite 403, so the widget can show it', async () => {
      // The preflight cannot name a key, so it passes; the request itself is refused, readably.
      expect((await preflight(STRANGER)).headers.get('access-control-allow-origin')).toBe(STRANGER);
      const refused = await guest({ siteKey: corsKey.key }, STRANGER);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBe(STRANGER);
      expect(await refused.json()).toMatchObject({
        error: { code: 'forbidden', message: expect.stringMatching(POLITE) },
      });
    });

    it('never lets another origin read an unscoped token, nor answers CORS on other routes', async () => {
      for (const origin of [STRANGER, 'https://cors.example']) {
        const unscoped = await guest({}, origin);
        expect(unscoped.status).toBe(200);
        expect(unscoped.headers.get('access-control-allow-origin')).toBeNull();
      }
      for (const path of ['/api/v1/sessions', '/api/v1/admin/site-keys', '/health']) {
        const elsewhere = await preflight('https://cors.example', path);
        expect(elsewhere.headers.get('access-control-allow-origin'), path).toBeNull();
      }
    });

    it('lets socket.io’s polling handshake answer widget origins as well as CORS_ORIGINS', async () => {
      const poll = (origin: string) =>
        fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
      expect((await poll('https://cors.example')).headers.get('access-control-allow-origin')).toBe(
        'https://cors.example',
      );
      expect((await poll(APP)).headers.get('access-control-allow-origin')).toBe(APP);
      expect((await poll(STRANGER)).headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('socket handshake with a widget token', () => {
    let socketKey: SiteKey;
    beforeAll(async () => {
      socketKey = await createKey([SHOP]);
    });

    it('connects from an allowed origin and chats in its own sessions', async () => {
      const client = await connectFrom(await widgetToken(socketKey.key, SHOP), SHOP);
      const { session } = await client.ok('session:create', { title: 'from the shop' });
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'w1', text: 'calm piano' });
      await client.waitFor('turn:done');
      client.socket.disconnect();
    });

    it('is refused from another origin or without one, with the forbidden payload as data', async () => {
      const token = await widgetToken(socketKey.key, SHOP);
      for (const origin of [STRANGER, undefined]) {
        expect(await refusal(connectFrom(token, origin))).toMatchObject({
          code: 'forbidden',
          message: expect.stringMatching(POLITE),
          retryable: false,
        });
      }
      // A token without a site key connects from anywhere, as before.
      const plain = await connectFrom((await server.guest()).token, STRANGER);
      plain.socket.disconnect();
    });

    it('stops working once its key is revoked: new handshakes are refused, connected sockets’ events too', async () => {
      const doomed = await createKey([SHOP], 'Doomed');
      const token = await widgetToken(doomed.key, SHOP);
      const connected = await connectFrom(token, SHOP);
      await connected.ok('session:create', {});
      expect((await admin('DELETE', `/${doomed.key}`)).status).toBe(200);
      const answer = await connected.request('session:create', {});
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(POLITE) },
      });
      expect(await refusal(connectFrom(token, SHOP))).toMatchObject({ code: 'forbidden' });
      connected.socket.disconnect();
    });

    it('holds REST to the same terms: its key’s origin, while the key is live', async () => {
      const token = await widgetToken(socketKey.key, SHOP);
      const sessions = (origin?: string) =>
        fetch(`${server.url}/api/v1/sessions`, {
          headers: { authorization: `Bearer ${token}`, ...(origin === undefined ? {} : { origin }) },
        });
      expect((await sessions(SHOP)).status).toBe(200);
      for (const origin of [STRANGER, undefined]) {
        const refused = await sessions(origin);
        expect(refused.status).toBe(403);
        expect(await refused.json()).toMatchObject({ error: { code: 'forbidden' } });
      }
    });
  });
});
