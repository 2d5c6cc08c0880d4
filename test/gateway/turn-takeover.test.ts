import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type GuestTokenResponse,
  type Message,
  type ServerPayloads,
} from '../../src/protocol/index.js';
import { UPSTREAM_HEADER } from '../support/balancer-process.js';
import { TestClient } from '../support/echotune-server.js';
import { freePort, missing } from '../support/environment.js';
import { startFerretDb } from '../support/ferretdb.js';
import { haproxyBinary, startHaproxy } from '../support/haproxy.js';
import { redisBinary, startRedisServer } from '../support/redis-server.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { type SlowUpstream, startSlowUpstream } from '../support/slow-upstream.js';

/** The slow upstream's reply, known once it has started. */
let REPLY = '';

describe('a turn whose instance dies mid-reply is finished from its saved progress', () => {
  let slow: SlowUpstream;
  let directory: string;
  let providersFile: string;
  const processes: ServerProcess[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'echotune-takeover-'));
    slow = await startSlowUpstream({ directory, words: 80, word: 'tune' });
    providersFile = slow.providersFile;
    REPLY = slow.reply;
  });
  afterAll(async () => {
    for (const client of clients) client.socket.disconnect();
    await Promise.all(processes.filter((process) => process.alive()).map((process) => process.stop()));
    await slow?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  async function launch(env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServerProcess({ PROVIDERS_FILE: providersFile, ...env });
    processes.push(server);
    return server;
  }
  async function connect(url: string, token?: string): Promise<{ client: TestClient; token: string }> {
    const own =
      token ??
      ((await (await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' })).json()) as GuestTokenResponse)
        .token;
    const client = await TestClient.connect(url, own);
    clients.push(client);
    return { client, token: own };
  }
  /** The listener sends a message and reads about half the reply; then the instance is killed. */
  async function halfAReply(client: TestClient) {
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'm1', text: 'calm music' });
    const recs = await client.waitFor('turn:recs');
    await expect.poll(() => client.of('turn:delta').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(15);
    return { sessionId: session.id, recs };
  }
  function expectOneFinishedReply(messages: Message[], recommendationId: string) {
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const [user, reply] = messages as [Message, Message];
    expect(reply.text).toBe(REPLY);
    expect(reply.meta).toMatchObject({ replyTo: user.id, recommendationIds: [recommendationId] });
  }

  it('by the same instance when it restarts on its own store', async () => {
    const env = { JWT_SECRET: randomBytes(32).toString('hex'), DATA_DIR: join(directory, 'alone') };
    const first = await launch(env);
    const { client, token } = await connect(first.url);
    const { sessionId, recs } = await halfAReply(client);
    first.child.kill('SIGKILL');
    await first.exited;

    const restarted = await launch(env);
    const { client: back } = await connect(restarted.url, token);
    await expect
      .poll(async () => (await back.ok('session:join', { sessionId, afterSeq: 0 })).messages.length, {
        timeout: 20_000,
      })
      .toBe(2);
    const joined = await back.ok('session:join', { sessionId, afterSeq: 0 });
    expectOneFinishedReply(joined.messages, recs.recommendationId);
    expect(joined.recommendations.map((set) => set.recommendationId)).toEqual([recs.recommendationId]);
  }, 60_000);

  const skipped = !redisBinary && missing('turn takeover between instances', 'redis-server is not installed');
  describe.skipIf(skipped)('between instances', () => {
    /** MONGODB_URI of a FerretDB stopped after the test; {} when there is none (startFerretDb said why). */
    async function sharedStoreEnv(database: string): Promise<Record<string, string>> {
      const ferret = await startFerretDb();
      if (!ferret) return {};
      onTestFinished(() => ferret.stop());
      return { MONGODB_URI: `${ferret.uri}${database}` };
    }

    it('by a surviving instance once the dead one’s lease lapses; a tab there sees the rest and turn:done', async () => {
      const redis = await startRedisServer();
      onTestFinished(() => redis.stop());
      const env = {
        JWT_SECRET: randomBytes(32).toString('hex'),
        DATA_DIR: join(directory, 'shared'),
        // Instances share MongoDB in production: FerretDB here (a SQLite file on this host without it).
        ...(await sharedStoreEnv('echotune_takeover')),
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        // A dead instance's turn is taken over this long after its last renewal.
        TURN_LEASE_MS: '3000',
      };
      const [doomed, survivor] = [await launch(env), await launch(env)];
      const { client, token } = await connect(doomed.url);
      const { client: otherTab } = await connect(survivor.url, token);
      const { session } = await client.ok('session:create', {});
      await otherTab.ok('session:join', { sessionId: session.id });
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'm1', text: 'calm music' });
      const recs = await otherTab.waitFor('turn:recs');
      await expect
        .poll(() => otherTab.of('turn:delta').length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(15);
      const turnId = recs.turnId;
      doomed.child.kill('SIGKILL');
      await doomed.exited;

      const done = await otherTab.waitFor('turn:done', (payload) => payload.turnId === turnId, 30_000);
      expect(done.message.text).toBe(REPLY);
      // The survivor starts the turn again with the reply so far; its deltas, numbered from 0, carry the rest.
      const starts = otherTab.of('turn:start').filter((start) => start.turnId === turnId);
      expect(starts).toHaveLength(2);
      const resumedText = starts[1]?.resumedText ?? '';
      expect(resumedText.length).toBeGreaterThan(0);
      const resumedAt = otherTab.events.findIndex(
        (item) =>
          item.event === 'turn:start' && item.payload.turnId === turnId && 'resumedText' in item.payload,
      );
      const rest = otherTab.events
        .slice(resumedAt)
        .flatMap((item) =>
          item.event === 'turn:delta' && item.payload.turnId === turnId ? [item.payload] : [],
        );
      expect(rest.map((delta) => delta.index)).toEqual(rest.map((_, index) => index));
      expect(resumedText + rest.map((delta) => delta.text).join('')).toBe(REPLY);
      const joined = await otherTab.ok('session:join', { sessionId: session.id, afterSeq: 0 });
      expectOneFinishedReply(joined.messages, recs.recommendationId);
    }, 60_000);

    const noHaproxy = !haproxyBinary && missing('takeover through HAProxy', 'haproxy is not installed');
    it.skipIf(noHaproxy)(
      'through HAProxy: the client reconnects by itself and receives the complete reply',
      async () => {
        const redis = await startRedisServer();
        onTestFinished(() => redis.stop());
        const env = {
          JWT_SECRET: randomBytes(32).toString('hex'),
          DATA_DIR: join(directory, 'balanced'),
          ...(await sharedStoreEnv('echotune_takeover_balanced')),
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          // A dead instance's turn is taken over this long after its last renewal.
          TURN_LEASE_MS: '3000',
          TRUST_PROXY: '1',
        };
        const ports = [await freePort(), await freePort()];
        const instances = [
          await launch({ ...env, PORT: String(ports[0]) }),
          await launch({ ...env, PORT: String(ports[1]) }),
        ];
        const balancer = await startHaproxy(ports);
        onTestFinished(() => balancer.stop());
        // HAProxy's cookie pins the client to the first instance, the one about to die.
        let cookie = '';
        for (let attempt = 0; attempt < 20 && !cookie; attempt += 1) {
          const probe = await fetch(`${balancer.url}/health`);
          const set = probe.headers.getSetCookie().find((value) => value.startsWith('ECHOTUNE_NODE='));
          if (
            set &&
            balancer.upstreamOf({ [UPSTREAM_HEADER]: probe.headers.get(UPSTREAM_HEADER) ?? '' }) === 0
          ) {
            cookie = set.split(';')[0]!;
          }
        }
        expect(cookie).not.toBe('');
        const { token } = (await (
          await fetch(`${balancer.url}/api/v1/auth/guest`, { method: 'POST' })
        ).json()) as GuestTokenResponse;
        const socket = io(`${balancer.url}${CHAT_NAMESPACE}`, {
          auth: { token },
          transports: ['websocket'],
          extraHeaders: { cookie },
          reconnectionDelay: 100,
          reconnectionDelayMax: 1_000,
          forceNew: true,
        });
        onTestFinished(() => {
          socket.disconnect();
        });
        let text = '';
        let done: ServerPayloads['turn:done'] | undefined;
        socket.on('turn:start', (start: ServerPayloads['turn:start']) => {
          if (start.resumedText !== undefined) text = start.resumedText;
        });
        socket.on('turn:delta', (delta: ServerPayloads['turn:delta']) => {
          text += delta.text;
        });
        socket.on('turn:done', (payload: ServerPayloads['turn:done']) => {
          done = payload;
        });
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const created = (await socket.emitWithAck('session:create', {})) as Ack<
          ClientAckResults['session:create']
        >;
        if (!created.ok) throw new Error(created.error.message);
        const sessionId = created.session.id;
        // The page rejoins its session after every reconnect, to hear the rest of a reply.
        socket.on('connect', () => void socket.emitWithAck('session:join', { sessionId }));
        await socket.emitWithAck('message:send', { sessionId, clientMsgId: 'm1', text: 'calm music' });
        await expect.poll(() => text.length, { timeout: 10_000 }).toBeGreaterThan(REPLY.length / 4);

        instances[0]!.child.kill('SIGKILL');
        await instances[0]!.exited;
        await expect.poll(() => done, { timeout: 30_000 }).toBeDefined();
        expect(done?.message.text).toBe(REPLY);
        expect(text).toBe(REPLY);
        const joined = (await socket.emitWithAck('session:join', { sessionId, afterSeq: 0 })) as Ack<
          ClientAckResults['session:join']
        >;
        if (!joined.ok) throw new Error(joined.error.message);
        expect(joined.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
        expect(joined.recommendations).toHaveLength(1);
      },
      60_000,
    );
  });
});
