import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../support/echotune-server.js';
import { missing } from '../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';

const skipped = !redisBinary && missing('multi-instance rooms', 'redis-server is not installed');

describe.skipIf(skipped)('two instances sharing Redis and one database', () => {
  let redis: RedisServer;
  let dataDir: string;
  let env: Record<string, string>;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = mkdtempSync(join(tmpdir(), 'echotune-shared-'));
    env = {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
    };
    servers.push(await startTestServer(env), await startTestServer(env));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** One listener, one session, a tab on each instance. */
  const twoTabsOnTwoInstances = async () => {
    const [first, second] = servers as [TestServer, TestServer];
    const { token } = await first.guest();
    const sender = await first.connect(token);
    const otherTab = await second.connect(token);
    const { session } = await sender.ok('session:create', {});
    await otherTab.ok('session:join', { sessionId: session.id });
    return { token, sender, otherTab, session };
  };

  it('delivers one session’s turn to a tab on the other instance, and accepts the token there', async () => {
    const { sender, otherTab, session } = await twoTabsOnTwoInstances();

    const ack = await sender.ok('message:send', {
      sessionId: session.id,
      clientMsgId: 'x1',
      text: 'calm piano',
    });
    const seen = await otherTab.waitFor('message:new');
    expect(seen.message.id).toBe(ack.messageId);
    const done = await otherTab.waitFor('turn:done');
    expect(otherTab.of('turn:recs')).toHaveLength(1);
    const deltas = otherTab.of('turn:delta');
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    expect(deltas.map((delta) => delta.text).join('')).toBe(done.message.text);
  });

  it('stops a turn from a tab connected to the other instance', async () => {
    const { sender, otherTab, session } = await twoTabsOnTwoInstances();
    await sender.ok('message:send', {
      sessionId: session.id,
      clientMsgId: 'z1',
      text: 'something upbeat for my run',
    });
    const delta = await otherTab.waitFor('turn:delta');
    const cancel = await otherTab.ok('turn:cancel', { sessionId: session.id, turnId: delta.turnId });
    expect(cancel.cancelled).toBe(true);
    expect(await sender.waitFor('turn:error')).toMatchObject({ turnId: delta.turnId, code: 'cancelled' });
  });

  it('deletes a session through the other instance: its turn there stops and every tab hears it', async () => {
    const { token, sender, otherTab, session } = await twoTabsOnTwoInstances();
    await sender.ok('message:send', {
      sessionId: session.id,
      clientMsgId: 'd1',
      text: 'something upbeat for my run',
    });
    const delta = await otherTab.waitFor('turn:delta');
    // The turn runs on the first instance; the delete reaches the second.
    const response = await fetch(`${servers[1]!.url}/api/v1/sessions/${session.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(204);
    expect(await sender.waitFor('turn:error')).toMatchObject({ turnId: delta.turnId, code: 'cancelled' });
    expect(await sender.waitFor('session:deleted')).toEqual({ sessionId: session.id });
    expect(await otherTab.waitFor('session:deleted')).toEqual({ sessionId: session.id });
    const refused = await sender.request('message:send', {
      sessionId: session.id,
      clientMsgId: 'd2',
      text: 'hello?',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('lets a client whose instance is gone catch up on the other one', async () => {
    // A dedicated instance, so that stopping it leaves the two the other tests use running.
    const doomed = await startTestServer(env);
    let stopped = false;
    try {
      const survivor = servers[1]!;
      const { token } = await doomed.guest();
      // Not doomed.connect(): stop() would disconnect that socket itself; this one must lose its server.
      const client = await TestClient.connect(doomed.url, token);
      const { session } = await client.ok('session:create', {});
      const sent = await client.ok('message:send', {
        sessionId: session.id,
        clientMsgId: 'y1',
        text: 'jazz for dinner',
      });
      const done = await client.waitFor('turn:done');
      const [shown] = client.of('turn:recs');
      expect(shown).toBeDefined();

      const lost = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
      await doomed.stop();
      stopped = true;
      // The server went away (it may say goodbye first or just drop the connection); the client did not leave.
      expect(['transport close', 'io server disconnect']).toContain(await lost);
      await expect(fetch(`${doomed.url}/health`)).rejects.toThrow();
      await expect(doomed.connect(token)).rejects.toThrow();
      expect(await (await fetch(`${survivor.url}/health`)).json()).toMatchObject({ status: 'ok' });

      const moved = await survivor.connect(token);
      const joined = await moved.ok('session:join', { sessionId: session.id, afterSeq: 0 });
      expect(joined.session.id).toBe(session.id);
      expect(joined.messages.map(({ id, seq, role }) => ({ id, seq, role }))).toEqual([
        { id: sent.messageId, seq: sent.seq, role: 'user' },
        { id: done.message.id, seq: done.message.seq, role: 'assistant' },
      ]);
      expect(joined.messages[0]!.text).toBe('jazz for dinner');
      expect(joined.messages[1]!.text).toBe(done.message.text);
      expect(joined.recommendations).toEqual([
        {
          recommendationId: shown!.recommendationId,
          turnId: done.turnId,
          tracks: expect.any(Array),
          opinions: {},
        },
      ]);
      expect(joined.recommendations[0]!.tracks.map((track) => track.id)).toEqual(
        shown!.tracks.map((track) => track.id),
      );
    } finally {
      if (!stopped) await doomed.stop();
    }
  });
});

describe.skipIf(skipped)('two instances sharing Redis count one REST budget', () => {
  it('refuses the request over the per-IP budget on whichever instance it reaches', async () => {
    const redis = await startRedisServer();
    const dataDir = mkdtempSync(join(tmpdir(), 'echotune-budget-'));
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      RATE_LIMIT_REQUESTS_PER_MINUTE: '4',
    };
    const pair = [await startTestServer(env), await startTestServer(env)];
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        statuses.push((await fetch(`${pair[index % 2]!.url}/api/v1/auth/guest`, { method: 'POST' })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
    } finally {
      for (const server of pair) await server.stop();
      redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipped)('instances that share Redis but not a store', () => {
  it('say so in /ready and keep saying ready when they do share one', async () => {
    const redis = await startRedisServer();
    const shared = {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
    };
    const commonDir = mkdtempSync(join(tmpdir(), 'echotune-common-'));
    const together = [
      await startTestServer({ ...shared, DATA_DIR: commonDir }),
      await startTestServer({ ...shared, DATA_DIR: commonDir }),
    ];
    const apart = await startTestServer(shared);
    let apartStopped = false;
    try {
      const ready = async (server: TestServer) => (await fetch(`${server.url}/ready`)).json();
      // The ones sharing a file see the third, which has its own: every instance is told.
      for (const server of [...together, apart]) {
        await expect.poll(async () => (await ready(server)).status, { timeout: 12_000 }).toBe('degraded');
        expect((await ready(server)).reasons.join(' ')).toMatch(/other instances use another store.*sqlite:/);
      }
      await apart.stop();
      apartStopped = true;
      // Once the odd one is gone (its announcement is removed), the two sharing a store are ready again.
      for (const server of together) {
        await expect.poll(async () => (await ready(server)).status, { timeout: 12_000 }).toBe('ready');
      }
    } finally {
      for (const server of together) await server.stop();
      if (!apartStopped) await apart.stop();
      redis.stop();
      rmSync(commonDir, { recursive: true, force: true });
    }
  }, 40_000);
});
