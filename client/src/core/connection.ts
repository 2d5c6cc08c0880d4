import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientAckResults,
  ClientEventName,
  ClientPayload,
  ClientToServerEvents,
  ErrorPayload,
  ServerToClientEvents,
} from '../../../src/protocol/index.js';
import { CHAT_NAMESPACE } from '../../../src/protocol/namespace.js';
import { type TokenSource, tokenSource } from './token-source.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A refused request or an unanswered one, with the server's error code. */
export class RequestError extends Error {
  readonly code: ErrorPayload['code'] | 'no_answer';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(payload: ErrorPayload | { code: 'no_answer'; message: string; retryable: boolean }) {
    super(payload.message);
    this.name = 'RequestError';
    this.code = payload.code;
    this.retryable = payload.retryable;
    this.retryAfterMs = 'retryAfterMs' in payload ? payload.retryAfterMs : undefined;
  }
}

export interface ConnectionOptions {
  /** Where EchoTune runs: '' for the page it serves, the script's origin for the widget. */
  baseUrl: string;
  /** The widget's site key: the token is then scoped to it and the server checks the page's origin. */
  siteKey?: string;
  /** localStorage key prefix, so a widget and the page on one origin keep their own listener. */
  storagePrefix: string;
  /** Shown to the model as the listener's name (the widget's setUser). */
  displayName?: string;
  /** False: the caller connects once it knows a token can be had (the widget checks its site key first). */
  autoConnect?: boolean;
}

export interface Connection {
  socket: ChatSocket;
  tokens: TokenSource;
  request<E extends ClientEventName>(
    event: E,
    payload: ClientPayload<E>,
    timeoutMs?: number,
  ): Promise<ClientAckResults[E]>;
  /**
   * An authenticated REST call under /api/v1 (a FormData body goes as multipart, anything else as JSON);
   * rejects with RequestError carrying the server's error.
   */
  rest<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function connect(options: ConnectionOptions): Connection {
  const tokens = tokenSource(options);
  const socket: ChatSocket = io(`${options.baseUrl}${CHAT_NAMESPACE}`, {
    auth: (callback) => {
      tokens.get().then(
        (token) => callback({ token }),
        () => callback({}),
      );
    },
    transports: ['websocket', 'polling'],
    autoConnect: options.autoConnect ?? true,
    // Jittered exponential backoff (0.5 s doubling to 10 s, ±50 %): when an instance restarts, its
    // listeners come back spread out instead of all at once.
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
  });
  socket.on('disconnect', (reason) => {
    // The server let go of us on purpose (e.g. it is shutting down): socket.io does not retry that alone.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500 + Math.random() * 1500);
  });
  followOtherTabs(options.storagePrefix, socket);
  // The token ran out while connected: renew it and hand it over before the server lets go of us.
  socket.on('auth:expired', () => {
    tokens.get().then(
      (token) => socket.emit('auth:refresh', { token }),
      () => undefined,
    );
  });
  socket.on('connect_error', (error) => {
    const data = (error as Error & { data?: ErrorPayload }).data;
    if (data?.code === 'unauthorized') tokens.refused();
  });

  return {
    socket,
    tokens,
    async request(event, payload, timeoutMs = REQUEST_TIMEOUT_MS) {
      // The typed emitWithAck cannot see through the generic event name; the ack shape is checked below.
      const untyped = socket as unknown as Socket;
      let response: Ack<ClientAckResults[typeof event]>;
      try {
        response = await untyped.timeout(timeoutMs).emitWithAck(event, payload);
      } catch {
        throw new RequestError({ code: 'no_answer', message: 'The server did not answer', retryable: true });
      }
      if (!response.ok) throw new RequestError(response.error);
      return response;
    },
    async rest<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { authorization: `Bearer ${await tokens.get()}` };
      const form = body instanceof FormData;
      if (body !== undefined && !form) headers['content-type'] = 'application/json';
      const response = await fetch(`${options.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? null : form ? body : JSON.stringify(body),
      });
      if (response.status === 204) return undefined as T;
      const parsed = (await response.json().catch(() => ({}))) as { error?: ErrorPayload };
      if (!response.ok) {
        throw new RequestError(
          parsed.error ?? { code: 'internal', message: `HTTP ${response.status}`, retryable: false },
        );
      }
      return parsed as T;
    },
  };
}

/**
 * Another tab of this browser became another listener (a Spotify sign-in merged the guest into the
 * account's listener): this tab's REST calls read the new token from storage at once, but its socket
 * still speaks for the old listener, whose chats have moved. Reconnecting authenticates it anew; the
 * conversation then catches up as after any reconnect. A renewal (the same listener) changes nothing.
 */
function followOtherTabs(storagePrefix: string, socket: ChatSocket): void {
  const key = `${storagePrefix}.token`;
  const listenerIn = (value: string | null): string | undefined => {
    try {
      return value ? (JSON.parse(value) as { userId?: string }).userId : undefined;
    } catch {
      return undefined;
    }
  };
  window.addEventListener('storage', (event) => {
    if (event.key !== key) return;
    const next = listenerIn(event.newValue);
    if (next === undefined || next === listenerIn(event.oldValue)) return;
    socket.disconnect();
    socket.connect();
  });
}
