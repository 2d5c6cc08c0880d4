import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type GuestTokenResponse,
  type ServerPayloads,
} from '../../src/protocol/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import type { Balancer } from '../support/balancer-process.js';
import { freePort, missing } from '../support/environment.js';
import { type FerretDb, startFerretDb } from '../support/ferretdb.js';
import { haproxyBinary, startHaproxy } from '../support/haproxy.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const skipped =
  (!redisBinary || !haproxyBinary) && missing('rolling restart', 'redis-server or haproxy is not installed');

const INSTANCES = 3;
const mongoConfig = (uri: string) => loadConfig({ MONGODB_URI: uri });
const CLIENTS = 12;
// Wide on purpose: a reply waits out an instance's restart and the balancer's health checks. On a loaded
// 2-core machine (FerretDB answering session:join in ~6 s at p50) one has taken longer than 40 s; a lost
// message never arrives at all, so the width only costs time when the test would fail anyway.
const TURN_TIMEOUT_MS = 75_000;

/**
 * A listener as the page behaves: reconnects with backoff through the balancer, rejoins its session,
 * sends one message at a time and resends the same clientMsgId until that message has its reply.
 */
class Listener {
  readonly socket: Socket;
  sessionId = '';
  readonly answered = new Set<string>();
  resends = 0;
  #waiting: { clientMsgId: string; messageId: string; resolve: () => void } | undefined;

  constructor(url: string, token: string) {
    this.socket = io(`${url}${CHAT_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
      randomizationFactor: 0.5,
      forceNew: true,
    });
    this.socket.on('turn:done', ({ message }: ServerPayloads['turn:done']) => {
      const waiting = this.#waiting;
      if (
        waiting &&
        message.meta?.replyTo === waiting.messageId &&
        message.meta.finishReason !== 'interrupted'
      ) {
        this.answered.add(waiting.clientMsgId);
        waiting.resolve();
      }
    });
    this.socket.on('connect', () => {
      if (this.sessionId) void this.#request('session:join', { sessionId: this.sessionId }).catch(() => {});
    });
  }

  #request<E extends keyof ClientAckResults>(event: E, payload: unknown): Promise<Ack<ClientAckResults[E]>> {
    return this.socket.timeout(3_000).emitWithAck(event, payload) as Promise<Ack<ClientAckResults[E]>>;
  }

  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
    const created = await this.#request('session:create', {});
    if (!created.ok) throw new Error(created.error.message);
    this.sessionId = created.session.id;
  }

  /** Sends until the reply to this message arrives (or, after a resend, is found already stored). */
  async converse(clientMsgId: string): Promise<void> {
    const deadline = Date.now() + TURN_TIMEOUT_MS;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      if (attempt > 0) this.resends += 1;
      const sent = await this.#request('message:send', {
        sessionId: this.sessionId,
        clientMsgId,
        text: 'calm music',
      }).catch(() => undefined);
      if (!sent?.ok) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        continue;
      }
      const replied = new Promise<void>((resolve) => {
        this.#waiting = { clientMsgId, messageId: sent.messageId, resolve };
      });
      const gaveUp = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 4_000));
      if ((await Promise.race([replied, gaveUp])) !== 'late') return;
      // Missed it (a restart in between): the store may have the reply already.
      const joined = await this.#request('session:join', { sessionId: this.sessionId, afterSeq: 0 }).catch(
        () => undefined,
      );
      const stored = joined?.ok
        ? joined.messages.some(
            (message) =>
              message.meta?.replyTo === sent.messageId && message.meta.finishReason !== 'interrupted',
          )
        : false;
      if (stored) {
        this.answered.add(clientMsgId);
        return;
      }
    }
    throw new Error(`no reply to ${clientMsgId} within ${TURN_TIMEOUT_MS} ms`);
  }
}

describe.skipIf(skipped)('a rolling restart of every instance under steady load', () => {
  let redis: RedisServer;
  let ferret: FerretDb | null;
  let balancer: Balancer;
  let directory: string;
  let env: Record<string, string>;
  const ports: number[] = [];
  const instances: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    // The production shape: instances share MongoDB (FerretDB here). Without it (outside CI), a SQLite
    // file on this host stands in, and startFerretDb has said so.
    ferret = await startFerretDb();
    directory = mkdtempSync(join(tmpdir(), 'echotune-rolling-'));
    env = {
      ...(ferret ? { MONGODB_URI: `${ferret.uri}echotune_rolling` } : {}),
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: join(directory, 'data'),
      TRUST_PROXY: '1',
      SHUTDOWN_GRACE_MS: '3000',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '100000',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    };
    for (let index = 0; index < INSTANCES; index += 1) {
      const port = await freePort();
      ports.push(port);
      instances.push(await startServerProcess({ ...env, PORT: String(port) }));
    }
    balancer = await startHaproxy(ports);
  }, 60_000);
  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(instances.filter((instance) => instance.alive()).map((instance) => instance.stop()));
    redis?.stop();
    await ferret?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('loses no message and answers each exactly once', async () => {
    const listeners: Listener[] = [];
    for (let index = 0; index < CLIENTS; index += 1) {
      const response = await fetch(`${balancer.url}/api/v1/auth/guest`, { method: 'POST' });
      const { token } = (await response.json()) as GuestTokenResponse;
      const listener = new Listener(balancer.url, token);
      await listener.open();
      listeners.push(listener);
    }
    let load = true;
    const sent = new Map<Listener, string[]>();
    const conversations = listeners.map(async (listener, index) => {
      const ids: string[] = [];
      sent.set(listener, ids);
      for (let turn = 0; load; turn += 1) {
        const clientMsgId = `l${index}-t${turn}`;
        ids.push(clientMsgId);
        await listener.converse(clientMsgId);
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 400));
      }
    });

    // One by one: SIGTERM (drain), wait for the exit, start again on the same port, wait until ready.
    for (const [index, port] of ports.entries()) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const old = instances[index]!;
      old.child.kill('SIGTERM');
      expect(await old.exited).toBe(0);
      instances[index] = await startServerProcess({ ...env, PORT: String(port) });
      await expect
        .poll(async () => (await fetch(`${instances[index]!.url}/ready`)).status, { timeout: 15_000 })
        .toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    load = false;
    await Promise.all(conversations);
    for (const listener of listeners) listener.socket.disconnect();

    // Counted against the store: every message once, each with exactly one finished reply.
    const store = ferret
      ? await createMongoStore({ config: mongoConfig(`${ferret.uri}echotune_rolling`) })
      : await createSqliteStore({ path: join(directory, 'data', 'echotune.db') });
    try {
      let turns = 0;
      for (const listener of listeners) {
        const { items } = await store.listMessages(listener.sessionId, { afterSeq: 0, limit: 1000 });
        const users = items.filter((message) => message.role === 'user');
        expect(users.map((message) => message.clientMsgId)).toEqual(sent.get(listener));
        for (const user of users) {
          const finished = items.filter(
            (message) => message.meta?.replyTo === user.id && message.meta.finishReason !== 'interrupted',
          );
          expect(finished, `${user.clientMsgId} replies`).toHaveLength(1);
        }
        turns += users.length;
      }
      expect(turns).toBeGreaterThanOrEqual(CLIENTS * 3);
      const resends = listeners.reduce((total, listener) => total + listener.resends, 0);
      console.info(`rolling restart: ${turns} messages, ${resends} resends, none lost or answered twice`);
    } finally {
      await store.close();
    }
  }, 180_000);
});
