import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../support/browser.js';
import { startTestServer, TestClient, type TestServer } from '../support/echotune-server.js';

/** One raw HTTP/1.1 exchange, so the test can send what fetch refuses to (raw `..`, huge headers). */
function rawRequest(url: string, request: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      resolve({ status, body: body.length > 0 ? JSON.parse(body) : null });
    });
  });
}

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`;

describe('hostile HTTP requests get the documented error shape', () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureClientBuilt();
    server = await startTestServer({ SERVE_CLIENT: 'true' });
  });
  afterAll(() => server.stop());

  const cases: Array<[string, string, number, string]> = [
    ['traversal, encoded slashes', get('/..%2f..%2fpackage.json'), 403, 'forbidden'],
    ['traversal, encoded dots', get('/%2e%2e/%2e%2e/etc/passwd'), 403, 'forbidden'],
    ['traversal, raw', get('/../../etc/passwd'), 403, 'forbidden'],
    ['bad percent-encoding', get('/api/v1/sessions/%zz/messages'), 400, 'invalid'],
    ['unknown route', get('/api/v1/nothing-here'), 404, 'not_found'],
    ['a known path, another method', get('/health').replace('GET', 'DELETE'), 405, 'method_not_allowed'],
    ['over-large headers', get('/', `X-Big: ${'x'.repeat(20_000)}\r\n`), 431, 'headers_too_large'],
    ['OPTIONS that is no CORS preflight', get('/api/v1/sessions').replace('GET', 'OPTIONS'), 400, 'invalid'],
    ['not HTTP at all', 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid'],
  ];
  it.each(cases)('%s → %i %s', async (_what, request, status, code) => {
    const response = await rawRequest(server.url, request);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: { code, retryable: false } });
    expect((response.body as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
  });

  it('names the methods a path takes in the Allow header of a 405', async () => {
    const response = await fetch(`${server.url}/api/v1/sessions`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
  });

  it('still serves the page after all of that', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });
});

describe('hostile socket events get an ack in the documented shape', () => {
  let server: TestServer | null = null;
  const start = async (env: Record<string, string> = {}) => {
    server = await startTestServer(env);
    const { token } = await server.guest();
    return { server, token, client: await server.connect(token) };
  };
  const stop = async () => {
    await server?.stop();
    server = null;
  };

  it('acks an event sent with extra arguments (the last function is the ack)', async () => {
    const { client } = await start({ RATE_LIMIT_SESSIONS_PER_MINUTE: '30' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          client.socket.timeout(5000).emitWithAck('session:create', { title: `t${index}` }, 'extra', 42),
        ),
      );
      expect(answers.every((answer) => answer.ok === true)).toBe(true);
    } finally {
      await stop();
    }
  });

  it('answers an over-size event with payload_too_large and keeps the connection', async () => {
    const { client } = await start({ SOCKET_EVENT_MAX_BYTES: '4096' });
    try {
      const { session } = await client.ok('session:create', {});
      const huge = await client.request('message:send', {
        sessionId: session.id,
        clientMsgId: 'big',
        text: 'x'.repeat(10_000),
      });
      expect(huge).toMatchObject({ ok: false, error: { code: 'payload_too_large', retryable: false } });
      expect(client.socket.connected).toBe(true);
      expect((await client.request('session:create', {})).ok).toBe(true);
    } finally {
      await stop();
    }
  });

  it('lets an idempotent resend of a stored message through the message limit', async () => {
    const { client } = await start({ RATE_LIMIT_MESSAGES_PER_MINUTE: '1' });
    try {
      const { session } = await client.ok('session:create', {});
      const message = { sessionId: session.id, clientMsgId: 'm1', text: 'jazz for a rainy day' };
      const first = await client.ok('message:send', message);
      const resend = await client.ok('message:send', message);
      expect(resend).toMatchObject({ messageId: first.messageId, seq: first.seq });
      const fresh = await client.request('message:send', { ...message, clientMsgId: 'm2' });
      expect(fresh).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    } finally {
      await stop();
    }
  });

  it('caps sessions created per listener per minute', async () => {
    const { client } = await start({ RATE_LIMIT_SESSIONS_PER_MINUTE: '3' });
    try {
      const answers = [];
      for (let index = 0; index < 4; index += 1) answers.push(await client.request('session:create', {}));
      expect(answers.map((answer) => answer.ok)).toEqual([true, true, true, false]);
      expect(answers[3]).toMatchObject({ error: { code: 'rate_limited', retryable: true } });
    } finally {
      await stop();
    }
  });

  it('caps open sockets per listener and per address, and gives places back on disconnect', async () => {
    const {
      server: running,
      token,
      client,
    } = await start({
      MAX_CONNECTIONS_PER_LISTENER: '2',
      MAX_CONNECTIONS_PER_IP: '3',
    });
    try {
      const second = await running.connect(token);
      const refused = await TestClient.connect(running.url, token).catch(
        (error: { data?: unknown }) => error,
      );
      expect((refused as { data?: unknown }).data).toMatchObject({ code: 'rate_limited' });
      second.socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await running.connect(token);
      expect(again.socket.connected).toBe(true);
      // The address holds 2 of 3; another listener gets the last place, and a third listener none.
      await running.connect((await running.guest()).token);
      const byAddress = await TestClient.connect(running.url, (await running.guest()).token).catch(
        (error: { data?: unknown }) => error,
      );
      expect((byAddress as { data?: { message: string } }).data?.message).toMatch(/this address/);
      expect(client.socket.connected).toBe(true);
    } finally {
      await stop();
    }
  });
});
