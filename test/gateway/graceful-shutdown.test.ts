import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestTokenResponse } from '../../src/protocol/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { TestClient } from '../support/echotune-server.js';
import { startServerProcess } from '../support/server-process.js';
import { type SlowUpstream, startSlowUpstream } from '../support/slow-upstream.js';

/** The slow upstream's reply, known once it has started. */
let REPLY = '';

describe('graceful shutdown on SIGTERM', () => {
  let slow: SlowUpstream;
  let directory: string;
  let providersFile: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'echotune-shutdown-'));
    slow = await startSlowUpstream({ directory, words: 40, word: 'beat' });
    providersFile = slow.providersFile;
    REPLY = slow.reply;
  });
  afterAll(async () => {
    await slow?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const jwtSecret = randomBytes(32).toString('hex');
  const start = (grace: string, dataDir = join(directory, `data-${grace}`)) =>
    startServerProcess({
      JWT_SECRET: jwtSecret,
      PROVIDERS_FILE: providersFile,
      SHUTDOWN_GRACE_MS: grace,
      DATA_DIR: dataDir,
    });

  async function streamingTurn(url: string) {
    const response = await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' });
    const { token } = (await response.json()) as GuestTokenResponse;
    const client = await TestClient.connect(url, token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'm1', text: 'calm music' });
    await client.waitFor('turn:delta');
    return { client, token, sessionId: session.id };
  }

  it('drains: /ready 503, new sockets and messages refused, the running turn finishes, then it exits', async () => {
    const server = await start('10000');
    const { client, token, sessionId } = await streamingTurn(server.url);
    const disconnected = new Promise<number>((resolve) =>
      client.socket.once('disconnect', () => resolve(Date.now())),
    );

    server.child.kill('SIGTERM');
    await expect.poll(async () => (await fetch(`${server.url}/ready`)).status, { timeout: 2_000 }).toBe(503);
    expect(await (await fetch(`${server.url}/ready`)).json()).toMatchObject({ status: 'draining' });
    await expect(TestClient.connect(server.url, token)).rejects.toThrow(/shutting down/);
    const refused = await client.request('message:send', { sessionId, clientMsgId: 'm2', text: 'more' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });

    const done = await client.waitFor('turn:done');
    expect(done.message.text).toBe(REPLY);
    const doneAt = Date.now();
    expect(await disconnected).toBeGreaterThanOrEqual(doneAt - 50);
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('stops a turn that outlasts the grace, keeping its partial reply', async () => {
    const dataDir = join(directory, 'short-grace');
    const server = await start('300', dataDir);
    const { client, token, sessionId } = await streamingTurn(server.url);
    server.child.kill('SIGTERM');
    const error = await client.waitFor('turn:error');
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(await server.exited).toBe(0);

    const store = await createSqliteStore({ path: join(dataDir, 'echotune.db') });
    try {
      const { items } = await store.listMessages(sessionId, { afterSeq: 0, limit: 10 });
      expect(items.map((message) => message.role)).toEqual(['user', 'assistant']);
      const partial = items[1]?.text ?? '';
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(REPLY.length);
      expect(REPLY.startsWith(partial.trimEnd())).toBe(true);
      expect(items[1]?.meta).toMatchObject({ finishReason: 'interrupted', replyTo: items[0]?.id });
    } finally {
      await store.close();
    }

    // The client resends the same message to an instance that is up: this time it is answered in full.
    const again = await start('10000', dataDir);
    try {
      const resent = await TestClient.connect(again.url, token);
      await resent.ok('message:send', { sessionId, clientMsgId: 'm1', text: 'calm music' });
      expect((await resent.waitFor('turn:done')).message.text).toBe(REPLY);
      resent.socket.disconnect();
    } finally {
      await again.stop();
    }
  }, 30_000);
});
