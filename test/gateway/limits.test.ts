import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { startSlowUpstream } from '../support/slow-upstream.js';

const UPBEAT = 'something upbeat for my run';

describe('limits and lifecycle', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('answers REST requests over the per-IP budget with 429 rate_limited and rate-limit headers, sparing health checks', async () => {
    server = await startTestServer({ RATE_LIMIT_REQUESTS_PER_MINUTE: '3' });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1)
      statuses.push((await fetch(`${server.url}/api/v1/auth/guest`, { method: 'POST' })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await fetch(`${server.url}/api/v1/auth/guest`, { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', retryable: true } });
    for (const path of ['/health', '/ready']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
    }
  });

  const connectedSession = async (env: Record<string, string>) => {
    server = await startTestServer(env);
    const { token } = await server.guest();
    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    return { client, session, token };
  };

  it('rate-limits chat messages per listener', async () => {
    const { client, session } = await connectedSession({ RATE_LIMIT_MESSAGES_PER_MINUTE: '2' });
    const send = (id: string) =>
      client.request('message:send', { sessionId: session.id, clientMsgId: id, text: 'jazz' });
    expect((await send('a')).ok).toBe(true);
    expect((await send('b')).ok).toBe(true);
    const third = await send('c');
    expect(third).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true } });
  });

  it('queues a message sent during a turn, and refuses with busy beyond the queue depth', async () => {
    const { client, session } = await connectedSession({ TURN_QUEUE_DEPTH: '1' });
    const send = (id: string) =>
      client.request('message:send', { sessionId: session.id, clientMsgId: id, text: UPBEAT });
    const results = [await send('q1'), await send('q2'), await send('q3')];
    expect(results.map((result) => result.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'busy', retryable: true } });
    // A resend of a stored message (its ack was lost) adds no turn: it is answered, never refused busy.
    const resent = await send('q2');
    expect(resent).toEqual(results[1]);
    await client.waitFor('turn:done', (done) => done.message.seq === 4);
    const dones = client.of('turn:done');
    expect(dones).toHaveLength(2);
    expect(dones[0]!.totalMs).toBeGreaterThan(0);
    const joined = await client.ok('session:join', { sessionId: session.id, afterSeq: 0 });
    expect(joined.messages.map((message) => message.role)).toEqual([
      'user',
      'user',
      'assistant',
      'assistant',
    ]);
  });

  it('refuses messages once the daily budget is spent, before storing them', async () => {
    const { client, session } = await connectedSession({ BUDGET_USD_PER_DAY: '0' });
    const response = await client.request('message:send', {
      sessionId: session.id,
      clientMsgId: 'b',
      text: 'rock',
    });
    expect(response).toMatchObject({ ok: false, error: { code: 'budget_exceeded', retryable: false } });
    const joined = await client.ok('session:join', { sessionId: session.id });
    expect(joined.messages).toEqual([]);
  });

  it('stops the upstream turn when the last listener leaves, keeping the partial answer', async () => {
    const { client, session, token } = await connectedSession({ DISCONNECT_GRACE_MS: '0' });
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'd', text: UPBEAT });
    await client.waitFor('turn:delta');
    client.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await server!.connect((await server!.guest()).token);
    // A different listener may not look; the owner's token is needed to read the result.
    expect((await again.request('session:join', { sessionId: session.id })).ok).toBe(false);
    const response = await fetch(`${server!.url}/api/v1/sessions/${session.id}/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = (await response.json()) as {
      items: Array<{ role: string; meta: { finishReason: string } | null }>;
    };
    const assistant = page.items.find((message) => message.role === 'assistant');
    expect(assistant?.meta?.finishReason).toBe('cancelled');
  });

  it('counts the disconnect grace from the last listener’s departure, not the first', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'echotune-grace-'));
    const slow = await startSlowUpstream({ directory, words: 60 });
    try {
      const {
        client: first,
        session,
        token,
      } = await connectedSession({
        DISCONNECT_GRACE_MS: '1000',
        PROVIDERS_FILE: slow.providersFile,
      });
      const second = await server!.connect(token);
      await second.ok('session:join', { sessionId: session.id });
      await first.ok('message:send', { sessionId: session.id, clientMsgId: 'g', text: UPBEAT });
      await first.waitFor('turn:delta');
      first.socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 600));
      second.socket.disconnect();
      // 1.3 s after the first tab left, 0.7 s after the last: within the grace, so the turn still runs.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const back = await server!.connect(token);
      await back.ok('session:join', { sessionId: session.id });
      const done = await back.waitFor('turn:done');
      expect(done.message.text).toBe(slow.reply);
    } finally {
      await slow.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses REST bodies over the size limit with payload_too_large', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/v1/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'x'.repeat(70_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('takes the REST body and message limits from REST_BODY_MAX_BYTES and MESSAGE_MAX_CHARS', async () => {
    const { client, session, token } = await connectedSession({
      REST_BODY_MAX_BYTES: '2048',
      MESSAGE_MAX_CHARS: '40',
    });
    const post = (displayName: string) =>
      fetch(`${server?.url}/api/v1/recommend`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ mood: displayName, limit: 1 }),
      });
    expect((await post('calm')).status).toBe(200);
    const large = await post('x'.repeat(3000));
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const send = (text: string, clientMsgId: string) =>
      client.request('message:send', { sessionId: session.id, clientMsgId, text });
    expect(await send('y'.repeat(41), 'long')).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'text: must be at most 40 characters' },
    });
    expect((await send('calm piano', 'short')).ok).toBe(true);
  });
});
