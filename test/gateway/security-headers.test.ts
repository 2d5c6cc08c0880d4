import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ensureClientBuilt } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const PARTNER = 'https://partner.example';
const STRANGER = 'https://stranger.example';

describe('security headers and cross-origin rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureClientBuilt();
    server = await startTestServer({ SERVE_CLIENT: 'true', API_CORS_ORIGINS: PARTNER });
  });
  afterAll(() => server.stop());

  it('serves the page with a strict CSP and helmet’s headers', async () => {
    const response = await fetch(`${server.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets other sites load the widget files, and nothing else', async () => {
    const widget = await fetch(`${server.url}/widget.js`, { headers: { origin: STRANGER } });
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers API calls cross-origin only for API_CORS_ORIGINS', async () => {
    const { token } = await server.guest();
    const call = (origin: string) =>
      fetch(`${server.url}/api/v1/sessions`, { headers: { origin, authorization: `Bearer ${token}` } });
    const partner = await call(PARTNER);
    expect(partner.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(partner.headers.get('access-control-expose-headers')).toBe('x-request-id, retry-after');
    expect((await call(STRANGER)).headers.get('access-control-allow-origin')).toBeNull();
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/sessions`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    expect((await preflight(PARTNER)).headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect((await preflight(STRANGER)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight of a rename or a delete (a path with an id) for API_CORS_ORIGINS', async () => {
    for (const method of ['PATCH', 'DELETE']) {
      const preflight = await fetch(`${server.url}/api/v1/sessions/some-session-id`, {
        method: 'OPTIONS',
        headers: {
          origin: PARTNER,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status, method).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin'), method).toBe(PARTNER);
      expect(preflight.headers.get('access-control-allow-methods'), method).toContain(method);
    }
  });

  it('lets a widget’s site renew its token cross-origin', async () => {
    const preflight = await fetch(`${server.url}/api/v1/auth/refresh`, {
      method: 'OPTIONS',
      headers: {
        origin: STRANGER,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(STRANGER);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('refuses an API_CORS_ORIGINS entry that is not an origin, naming the variable', () => {
    expect(() => loadConfig({ API_CORS_ORIGINS: 'https://ok.example,not an origin' })).toThrow(
      /API_CORS_ORIGINS: each entry must be an origin/,
    );
  });
});
