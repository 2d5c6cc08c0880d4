import { afterEach, describe, expect, it } from 'vitest';
import type { GuestTokenResponse } from '../../src/protocol/index.js';
import { toolThenReply } from '../providers/fake-servers/tool-then-reply.js';
import { fakeProvidersClosedAfterEach } from '../providers/support/fake-providers.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const JWT_SECRET = 'jwt-secret-that-signs-every-token-0123456789';
const ADMIN_TOKEN = 'admin-token-never-in-the-logs-4f9c';
const METRICS_TOKEN = 'metrics-token-never-in-the-logs-7d21';
const OPENAI_API_KEY = 'sk-test-openai-key-never-in-the-logs-b8e3';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A log destination that keeps every line the server writes. */
function capturedLog() {
  const raw: string[] = [];
  return {
    destination: { write: (line: string) => void raw.push(line) },
    text: () => raw.join(''),
    lines: () => raw.map((line) => JSON.parse(line) as LogLine),
  };
}

const DEBUG = 20;

describe('logs', () => {
  const fakeProvider = fakeProvidersClosedAfterEach();
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server?.url}${path}`, init);
  const bearer = (token: string, extra: Record<string, string> = {}) => ({
    headers: { authorization: `Bearer ${token}`, ...extra },
  });

  it('name the session and turn of every turn line and the request id of every request line, and hold no secret', async () => {
    // The first model request fails, so the router writes a warning in the middle of the turn.
    const openai = await fakeProvider('openai', (request, index) =>
      index === 0 ? { fault: 'server-error' } : toolThenReply(request),
    );
    const log = capturedLog();
    server = await startTestServer(
      {
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'auto',
        JWT_SECRET,
        ADMIN_TOKEN,
        METRICS_TOKEN,
        OPENAI_API_KEY,
        OPENAI_BASE_URL: openai.baseURL,
        OPENAI_MODEL: 'gpt-4o-mini',
      },
      { logDestination: log.destination },
    );
    const { token } = await server.guest();

    const listed = await api('/api/v1/sessions', bearer(token, { 'x-request-id': 'trace-abc.123' }));
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-request-id')).toBe('trace-abc.123');
    const unsafe = await api('/api/v1/sessions', bearer(token, { 'x-request-id': 'not a "safe" id' }));
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await api(`/api/v1/sessions?token=${token}&limit=5`, bearer(token));
    const generatedId = generated.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api('/api/v1/admin/site-keys', bearer(ADMIN_TOKEN))).status).toBe(200);
    expect((await api('/metrics', bearer(METRICS_TOKEN))).status).toBe(200);
    const refreshed = await api('/api/v1/auth/refresh', { method: 'POST', ...bearer(token) });
    const restToken = ((await refreshed.json()) as GuestTokenResponse).token;

    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'log-1', text: 'upbeat run' });
    const done = await client.waitFor('turn:done', () => true, 20_000);
    await client.ok('auth:refresh', { token: restToken });
    // Another listener's token is refused, and not written down either.
    const otherToken = (await server.guest()).token;
    expect(await client.request('auth:refresh', { token: otherToken })).toMatchObject({ ok: false });
    await client.ok('typing', { sessionId: session.id, on: true });
    const secrets = [JWT_SECRET, ADMIN_TOKEN, METRICS_TOKEN, OPENAI_API_KEY, token, restToken, otherToken];
    await server.stop();
    server = null;

    const text = log.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    const lines = log.lines();

    const turnLines = lines.filter((line) => line.turnId === done.turnId);
    const messages = turnLines.map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining(['routing decision', 'model attempt failed', 'turn ended']),
    );
    for (const line of turnLines) {
      expect(line).toMatchObject({ sessionId: session.id, socketId: expect.any(String) });
    }
    expect(turnLines.find((line) => line.msg === 'turn ended')).toMatchObject({
      level: DEBUG,
      outcome: 'completed',
    });

    const requestLines = lines.filter((line) => line.msg === 'request');
    expect(requestLines.find((line) => line.requestId === 'trace-abc.123')).toMatchObject({
      level: DEBUG,
      method: 'GET',
      url: '/api/v1/sessions',
      statusCode: 200,
      durationMs: expect.any(Number),
    });
    // Which parameters came, never what they said.
    expect(requestLines.find((line) => line.requestId === generatedId)).toMatchObject({
      url: '/api/v1/sessions?token&limit',
    });
    expect(requestLines.map((line) => line.url)).toEqual(
      expect.arrayContaining(['/api/v1/admin/site-keys', '/metrics', '/api/v1/auth/refresh']),
    );
    expect(lines.find((line) => line.msg === 'socket event' && line.event === 'message:send')).toMatchObject({
      level: DEBUG,
      ok: true,
      socketId: turnLines[0]?.socketId,
    });
    const refreshes = lines.filter((line) => line.msg === 'socket event' && line.event === 'auth:refresh');
    expect(refreshes.map((line) => line.ok)).toEqual([true, false]);
    // Fastify's own per-request lines (with headers) are off.
    expect(lines.map((line) => line.msg)).not.toContain('incoming request');
    expect(lines.some((line) => 'reqId' in line || 'req' in line)).toBe(false);
  });

  it('write no line per request or socket event at the default level (info)', async () => {
    const log = capturedLog();
    server = await startTestServer({ LOG_LEVEL: 'info' }, { logDestination: log.destination });
    const { token } = await server.guest();
    expect((await api('/api/v1/sessions', bearer(token))).status).toBe(200);
    expect((await api('/health')).status).toBeLessThan(500);
    const client = await server.connect(token);
    await client.ok('session:create', {});
    await server.stop();
    server = null;

    const lines = log.lines();
    // The logger does write at info (start-up), just nothing per request.
    expect(lines.some((line) => line.msg === 'catalog loaded')).toBe(true);
    expect(lines.filter((line) => line.level < 30)).toEqual([]);
    expect(lines.filter((line) => 'requestId' in line || 'socketId' in line)).toEqual([]);
    expect(log.text()).not.toContain(token);
  });
});
