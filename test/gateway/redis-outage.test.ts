import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestTokenResponse } from '../../src/protocol/index.js';
import { TestClient } from '../support/echotune-server.js';
import { missing } from '../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { type SlowUpstream, startSlowUpstream } from '../support/slow-upstream.js';

const skipped = !redisBinary && missing('Redis outage', 'redis-server is not installed');

async function guest(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as GuestTokenResponse).token;
}

async function readiness(url: string): Promise<{ status: string; reasons: string[] }> {
  return (await (await fetch(`${url}/ready`)).json()) as { status: string; reasons: string[] };
}

/** The slow upstream's reply, known once it has started. */
let REPLY = '';

describe.skipIf(skipped).each(['streams', 'pubsub'] as const)(
  'a Redis outage with the %s adapter',
  (adapter) => {
    let redis: RedisServer;
    let slow: SlowUpstream;
    let directory: string;
    const instances: ServerProcess[] = [];
    const clients: TestClient[] = [];

    beforeAll(async () => {
      redis = await startRedisServer();
      directory = mkdtempSync(join(tmpdir(), 'echotune-outage-'));
      slow = await startSlowUpstream({ directory, words: 60, word: 'word' });
      REPLY = slow.reply;
      const providersFile = slow.providersFile;
      const env = {
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        REDIS_ADAPTER: adapter,
        JWT_SECRET: randomBytes(32).toString('hex'),
        DATA_DIR: join(directory, 'data'),
        PROVIDERS_FILE: providersFile,
      };
      instances.push(await startServerProcess(env), await startServerProcess(env));
    });
    afterAll(async () => {
      for (const client of clients) client.socket.disconnect();
      await Promise.all(instances.map((instance) => instance.stop()));
      await slow?.close();
      redis?.stop();
      if (directory) rmSync(directory, { recursive: true, force: true });
    });

    /** One listener with a tab on each instance, in one session. */
    async function twoTabs() {
      const [first, second] = instances as [ServerProcess, ServerProcess];
      const token = await guest(first.url);
      const sender = await TestClient.connect(first.url, token);
      const otherTab = await TestClient.connect(second.url, token);
      clients.push(sender, otherTab);
      const { session } = await sender.ok('session:create', {});
      await otherTab.ok('session:join', { sessionId: session.id });
      return { sender, otherTab, sessionId: session.id };
    }

    it('keeps every instance up and serving its own clients, degraded, and recovers by itself', async () => {
      const [first, second] = instances as [ServerProcess, ServerProcess];
      const { sender, otherTab, sessionId } = await twoTabs();
      await sender.ok('message:send', { sessionId, clientMsgId: 'during-outage', text: 'calm music' });
      const firstDelta = await sender.waitFor('turn:delta');

      redis.stop();
      const stoppedAt = Date.now();
      const done = await sender.waitFor('turn:done', (payload) => payload.turnId === firstDelta.turnId);
      expect(done.message.text).toBe(REPLY);
      const deltas = sender.of('turn:delta').filter((delta) => delta.turnId === done.turnId);
      expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));

      expect(first.alive() && second.alive()).toBe(true);
      for (const instance of instances) {
        expect((await fetch(`${instance.url}/health`)).status).toBe(200);
        expect(await readiness(instance.url)).toMatchObject({ status: 'degraded' });
        expect((await readiness(instance.url)).reasons.join(' ')).toMatch(/redis/);
        // REST, guest tokens and (memory-backed) rate limits still work here.
        const token = await guest(instance.url);
        const local = await TestClient.connect(instance.url, token);
        clients.push(local);
        const { session } = await local.ok('session:create', {});
        await local.ok('message:send', { sessionId: session.id, clientMsgId: 'local', text: 'calm music' });
        expect((await local.waitFor('turn:done')).message.text).toBe(REPLY);
      }

      // Down for at least 10 s in all, while turns stream here and there.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 10_000 - Date.now())));
      redis = await startRedisServer({ port: redis.port });
      for (const instance of instances) {
        await expect
          .poll(async () => (await readiness(instance.url)).status, { timeout: 20_000 })
          .toBe('ready');
      }
      // Cross-instance delivery resumes: the other tab sees the next turn whole.
      const next = await sender.ok('message:send', {
        sessionId,
        clientMsgId: 'after-outage',
        text: 'calm music',
      });
      const nextDone = await otherTab.waitFor('turn:done', (payload) => payload.message.seq === next.seq + 1);
      const nextDeltas = otherTab.of('turn:delta').filter((delta) => delta.turnId === nextDone.turnId);
      expect(nextDeltas.map((delta) => delta.text).join('')).toBe(REPLY);
      // And whatever it missed, it catches up from the store.
      const joined = await otherTab.ok('session:join', { sessionId, afterSeq: 0 });
      expect(joined.messages.map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'user',
        'assistant',
      ]);
      expect(first.alive() && second.alive()).toBe(true);
    }, 90_000);

    it(`across a blip while a reply streams, the other instance's tab ${adapter === 'streams' ? 'misses nothing' : 'misses what was sent meanwhile'}`, async () => {
      const { sender, otherTab, sessionId } = await twoTabs();
      await sender.ok('message:send', { sessionId, clientMsgId: 'blip', text: 'calm music' });
      const firstDelta = await sender.waitFor('turn:delta');
      await otherTab.waitFor('turn:delta', (delta) => delta.turnId === firstDelta.turnId);

      redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      redis = await startRedisServer({ port: redis.port });
      const done = await sender.waitFor('turn:done', (payload) => payload.turnId === firstDelta.turnId);
      const sent = sender.of('turn:delta').filter((delta) => delta.turnId === done.turnId);

      const received = () => otherTab.of('turn:delta').filter((delta) => delta.turnId === done.turnId);
      if (adapter === 'streams') {
        const otherDone = await otherTab.waitFor(
          'turn:done',
          (payload) => payload.turnId === done.turnId,
          20_000,
        );
        expect(otherDone.message.text).toBe(REPLY);
        expect(received().map((delta) => delta.index)).toEqual(sent.map((delta) => delta.index));
        expect(
          received()
            .map((delta) => delta.text)
            .join(''),
        ).toBe(REPLY);
      } else {
        // Give late packets every chance to arrive, then count what never will.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const indexes = new Set(received().map((delta) => delta.index));
        const missing = sent.filter((delta) => !indexes.has(delta.index));
        expect(missing.length).toBeGreaterThan(0);
        console.info(`pubsub: the other tab missed ${missing.length} of ${sent.length} deltas`);
      }
      // Either way the store has the whole reply for a tab that catches up.
      const joined = await otherTab.ok('session:join', { sessionId, afterSeq: 0 });
      expect(joined.messages.at(-1)?.text).toBe(REPLY);
    }, 60_000);
  },
);
