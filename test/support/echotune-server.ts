import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { DestinationStream } from '../../src/logger.js';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type ClientEventName,
  type GuestTokenResponse,
  type ServerEventName,
  type ServerPayloads,
} from '../../src/protocol/index.js';
import { type RunningServer, startServer } from '../../src/server.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  guest(): Promise<GuestTokenResponse>;
  connect(token?: string): Promise<TestClient>;
  stop(): Promise<void>;
}

/** A real EchoTune instance on a free loopback port with its own data directory. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'echotune-test-'));
  const server = await startServer(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DISCONNECT_GRACE_MS: '2000',
      SHUTDOWN_GRACE_MS: '1000',
      ...env,
    },
    options,
  );
  const clients: TestClient[] = [];
  return {
    ...server,
    dataDir,
    async guest() {
      const response = await fetch(`${server.url}/api/v1/auth/guest`, { method: 'POST' });
      if (!response.ok) throw new Error(`guest token failed: ${response.status}`);
      return (await response.json()) as GuestTokenResponse;
    },
    async connect(token) {
      const client = await TestClient.connect(server.url, token);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.socket.disconnect();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Received = { [E in ServerEventName]: { event: E; payload: ServerPayloads[E] } }[ServerEventName];

/** A socket.io-client that records every server event, with helpers to wait for one. */
export class TestClient {
  readonly events: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: ServerEventName, payload: unknown) => {
      this.events.push({ event, payload } as Received);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** WebSocket only, no reconnection, unless `options` say otherwise (e.g. `transports: ['polling']`). */
  static connect(
    url: string,
    token?: string,
    options: Partial<ManagerOptions & SocketOptions> = {},
  ): Promise<TestClient> {
    const socket = io(`${url}${CHAT_NAMESPACE}`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...options,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new TestClient(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  request<E extends ClientEventName>(event: E, payload?: unknown): Promise<Ack<ClientAckResults[E]>> {
    return this.socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack<ClientAckResults[E]>>;
  }

  async ok<E extends ClientEventName>(event: E, payload?: unknown): Promise<ClientAckResults[E]> {
    const response = await this.request(event, payload);
    if (!response.ok) throw new Error(`${event} failed: ${response.error.code} ${response.error.message}`);
    return response;
  }

  of<E extends ServerEventName>(event: E): ServerPayloads[E][] {
    return this.events
      .filter((item) => item.event === event)
      .map((item) => item.payload as ServerPayloads[E]);
  }

  /** Resolves with the first recorded event (past or future) that matches. */
  async waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: ServerPayloads[E]) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<ServerPayloads[E]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(event).find(match);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${event}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
