import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Balancer } from '../support/balancer-process.js';
import { startTestServer, TestClient, type TestServer } from '../support/echotune-server.js';
import { missing } from '../support/environment.js';
import { haproxyBinary, startHaproxy } from '../support/haproxy.js';
import { nginxBinary, startNginx } from '../support/nginx.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';

/**
 * The deployed topology as plain processes on loopback: Redis, two EchoTune instances sharing it, one
 * JWT secret and one database, behind the real HAProxy and nginx running deploy/'s configurations.
 */
type ClientOptions = Partial<ManagerOptions & SocketOptions>;

const INSTANCES = 2;
const REQUESTS_PER_MINUTE = 10_000;

interface BalancerCase {
  name: string;
  skip: boolean;
  start(upstreamPorts: number[]): Promise<Balancer>;
  /** What a polling client needs so that every request of its session reaches one instance. */
  stickyPolling: ClientOptions;
  /** Where a client can forgo stickiness: polling options without it, which must fail. */
  unstickyPolling?: ClientOptions;
  /** For each instance, client options that land a client on it by the balancer's stickiness key. */
  pinToEachInstance(balancer: Balancer): Promise<ClientOptions[]>;
  /** A client address of its own, so its per-IP budget starts fresh. */
  clientAddress: string;
}

const redisMissing = !redisBinary && missing('load-balancer tests', 'redis-server is not installed');

const balancers: BalancerCase[] = [
  {
    name: 'HAProxy',
    skip:
      redisMissing ||
      (!haproxyBinary &&
        missing('HAProxy load-balancer tests', 'haproxy is not installed (apt-get install haproxy)')),
    start: startHaproxy,
    // The cookie HAProxy sets names the instance; a Node client keeps cookies only with withCredentials.
    stickyPolling: { withCredentials: true },
    unstickyPolling: { withCredentials: false },
    async pinToEachInstance(balancer) {
      const cookies = new Map<number, string>();
      for (let attempt = 0; attempt < 20 && cookies.size < INSTANCES; attempt += 1) {
        const { headers } = await probe(balancer, 'GET', '/health');
        const cookie = [headers['set-cookie'] ?? []]
          .flat()
          .find((value) => value.startsWith('ECHOTUNE_NODE='));
        if (cookie) cookies.set(balancer.upstreamOf(headers), cookie.split(';')[0]!);
      }
      return indices().map((index) => {
        const cookie = cookies.get(index);
        if (!cookie) throw new Error(`HAProxy never sent instance ${index} a request:\n${balancer.output()}`);
        return { extraHeaders: { cookie } };
      });
    },
    clientAddress: '127.0.1.9',
  },
  {
    name: 'nginx',
    skip:
      redisMissing ||
      (!nginxBinary &&
        missing('nginx load-balancer tests', 'nginx is not installed (apt-get install nginx)')),
    start: startNginx,
    // The upstream is a hash of the client address: nothing to keep.
    stickyPolling: {},
    async pinToEachInstance(balancer) {
      // Loopback is all of 127.0.0.0/8: clients from different addresses, hashed to different instances.
      const addresses = new Map<number, string>();
      for (let host = 2; host < 60 && addresses.size < INSTANCES; host += 1) {
        const localAddress = `127.0.0.${host}`;
        const { headers } = await probe(balancer, 'GET', '/health', { localAddress });
        const index = balancer.upstreamOf(headers);
        if (!addresses.has(index)) addresses.set(index, localAddress);
      }
      return indices().map((index) => {
        const localAddress = addresses.get(index);
        if (!localAddress) throw new Error(`nginx hashed no client address to instance ${index}`);
        return fromAddress(localAddress);
      });
    },
    clientAddress: '127.0.2.9',
  },
];

const indices = () => Array.from({ length: INSTANCES }, (_, index) => index);
const agents: Agent[] = [];

/** Client options that connect from `localAddress` (engine.io passes `agent` to ws and to its XHR). */
function fromAddress(localAddress: string): ClientOptions {
  const agent = new Agent({ localAddress });
  agents.push(agent);
  return { agent: agent as unknown as string };
}

/** One plain HTTP request through the balancer, optionally from another loopback address. */
function probe(
  balancer: Balancer,
  method: string,
  path: string,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${balancer.url}${path}`,
      { method, headers: options.headers, localAddress: options.localAddress, agent: false },
      (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      },
    );
    outgoing.once('error', reject);
    outgoing.end();
  });
}

/** Rejects as soon as the socket drops, instead of waiting for an event that cannot come any more. */
function orDisconnect<T>(client: TestClient, pending: Promise<T>): Promise<T> {
  return Promise.race([
    pending,
    new Promise<never>((_, reject) =>
      client.socket.once('disconnect', (reason) => reject(new Error(`disconnected: ${reason}`))),
    ),
  ]);
}

/** One chat turn, message:send → turn:done; checks the reply arrived whole. */
async function chatTurn(client: TestClient, text = 'something upbeat for my run') {
  return orDisconnect(
    client,
    (async () => {
      const { session } = await client.ok('session:create', {});
      const ack = await client.ok('message:send', { sessionId: session.id, clientMsgId: randomUUID(), text });
      const done = await client.waitFor('turn:done', () => true, 10_000);
      expect(done.message.text.length).toBeGreaterThan(0);
      const deltas = client.of('turn:delta');
      expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
      expect(deltas.map((delta) => delta.text).join('')).toBe(done.message.text);
      expect(client.of('turn:recs')).toHaveLength(1);
      return { session, ack, done };
    })(),
  );
}

describe.skipIf(redisMissing)('EchoTune instances behind a real load balancer', () => {
  let redis: RedisServer;
  let dataDir: string;
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = mkdtempSync(join(tmpdir(), 'echotune-balanced-'));
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      // One balancer in front; the per-IP budget is large enough for the balancers' health checks.
      TRUST_PROXY: '1',
      RATE_LIMIT_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
    };
    // One after the other: the first creates the shared database.
    for (let index = 0; index < INSTANCES; index += 1) servers.push(await startTestServer(env));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.disconnect();
  });
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    for (const server of servers) await server.stop();
    redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(balancers)('behind $name', (balancerCase) => {
    let balancer: Balancer;
    beforeAll(async () => {
      if (balancerCase.skip) return;
      balancer = await balancerCase.start(servers.map((server) => server.port));
    });
    afterAll(async () => {
      await balancer?.stop();
    });

    const guestToken = async () => {
      const response = await fetch(`${balancer.url}/api/v1/auth/guest`, { method: 'POST' });
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    const connect = async (token: string, options: ClientOptions = {}) => {
      const client = await TestClient.connect(balancer.url, token, options);
      clients.push(client);
      return client;
    };

    it.skipIf(balancerCase.skip)('completes a chat turn over a WebSocket through the balancer', async () => {
      const client = await connect(await guestToken());
      expect(client.socket.io.engine.transport.name).toBe('websocket');
      await chatTurn(client);
    });

    it.skipIf(balancerCase.skip)(
      'completes a chat turn over the polling transport, which needs every request on one instance',
      async () => {
        const client = await connect(await guestToken(), {
          transports: ['polling'],
          ...balancerCase.stickyPolling,
        });
        expect(client.socket.io.engine.transport.name).toBe('polling');
        await chatTurn(client);
      },
    );

    if (balancerCase.unstickyPolling) {
      const unsticky = balancerCase.unstickyPolling;
      it.skipIf(balancerCase.skip)(
        'fails over the polling transport without the stickiness cookie (requests reach both instances)',
        async () => {
          const token = await guestToken();
          const attempt = async () => {
            const client = await connect(token, { transports: ['polling'], ...unsticky });
            await chatTurn(client);
          };
          await expect(attempt()).rejects.toThrow(/xhr|disconnected|timed out/);
        },
      );
    }

    it.skipIf(balancerCase.skip)(
      'shows two tabs of one listener, on different instances, the same turn events in the same order',
      async () => {
        // pins[0] and pins[1] land on instance 0 and instance 1: checked with requests through the balancer.
        const pins = await balancerCase.pinToEachInstance(balancer);
        const token = await guestToken();
        const [sender, otherTab] = [await connect(token, pins[0]), await connect(token, pins[1])] as const;
        const { session } = await sender.ok('session:create', {});
        await otherTab.ok('session:join', { sessionId: session.id });

        await sender.ok('message:send', {
          sessionId: session.id,
          clientMsgId: randomUUID(),
          text: 'calm piano',
        });
        await Promise.all([sender.waitFor('turn:done'), otherTab.waitFor('turn:done')]);
        const turnEvents = (client: TestClient) =>
          client.events.filter(({ event }) =>
            ['message:new', 'turn:start', 'turn:delta', 'turn:recs', 'turn:done'].includes(event),
          );
        const seen = turnEvents(otherTab);
        expect(seen.map(({ event }) => event)).toEqual(
          expect.arrayContaining(['message:new', 'turn:start', 'turn:delta', 'turn:recs', 'turn:done']),
        );
        expect(seen).toEqual(turnEvents(sender));
      },
    );

    it.skipIf(balancerCase.skip)(
      'counts the per-IP budget against the address the balancer appended, not what the client wrote',
      async () => {
        const remaining: number[] = [];
        for (let index = 0; index < 3; index += 1) {
          const { status, headers } = await probe(balancer, 'POST', '/api/v1/auth/guest', {
            localAddress: balancerCase.clientAddress,
            headers: { 'x-forwarded-for': `6.6.6.${index}` },
          });
          expect(status).toBe(200);
          remaining.push(Number(headers['x-ratelimit-remaining']));
        }
        // A fresh address of its own (not the balancer's, shared with its health checks), counted once per
        // request whatever the spoofed entry says.
        expect(remaining).toEqual([1, 2, 3].map((used) => REQUESTS_PER_MINUTE - used));
      },
    );
  });
});
