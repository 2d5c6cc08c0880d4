import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { ChatService } from '../../chat/index.js';
import { EchoError, invalid, toEchoError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type ClientEventName,
  type ClientPayload,
  type ClientToServerEvents,
  clientPayloadSchemas,
  roomForSession,
  roomForUser,
  type ServerToClientEvents,
} from '../../protocol/index.js';
import type { SocketEventMetrics } from '../gateway-metrics.js';
import type { SocketRateLimits } from '../rate-limits.js';
import type { SiteKeyAccess } from '../site-key-access.js';
import type { TokenService } from '../token-service.js';
import { releasingHandshakes } from './handshake-release.js';
import { type ChatSink, createRoomSink } from './room-sink.js';
import { TokenExpiry } from './token-expiry.js';

interface SocketData {
  userId: string;
  /** Set for a widget's socket: the token's site key and the page origin the handshake came from. */
  siteKey?: string;
  origin?: string;
}
/**
 * Between instances (Redis adapter): a cancel that arrived on another node than the running turn, and a
 * session deleted through another node (its turn may run here, and this node's caches know it).
 */
interface InstanceEvents {
  'cancel-turn': (payload: unknown, ack: (cancelled: boolean) => void) => void;
  'session-deleted': (sessionId: unknown) => void;
}
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InstanceEvents, SocketData>;
type ChatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InstanceEvents, SocketData>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InstanceEvents, SocketData>;

export interface ChatNamespaceOptions {
  chat: ChatService;
  tokens: TokenService;
  /** Widget tokens: their key must be live and allow the handshake's Origin (cached briefly). */
  siteKeys: Pick<SiteKeyAccess, 'authorize' | 'requireOrigin'>;
  limits: SocketRateLimits;
  logger: Logger;
  /** How long a session may have no listener before its running turn is stopped. */
  disconnectGraceMs: number;
  /** True when an adapter connects several instances (turn cancels are then forwarded to them). */
  crossInstance: boolean;
  /** True once shutdown began: new connections and new messages go to another instance. */
  draining: () => boolean;
  /** The largest event payload (serialized JSON) answered; larger ones get `payload_too_large`. */
  maxEventBytes: number;
  /** The longest chat message taken (MESSAGE_MAX_CHARS). */
  maxMessageChars: number;
  /** The client's address of a handshake, as REST sees it (TRUST_PROXY). */
  clientAddress: (request: IncomingMessage) => string;
  /** How long a socket whose token expired may still refresh it. */
  authExpiredGraceMs: number;
  metrics?: SocketEventMetrics;
}

const sessionIdSchema = z.string().min(1).max(100);

type Handler<E extends ClientEventName> = (
  socket: ChatSocket,
  payload: ClientPayload<E>,
  log: Logger,
) => Promise<ClientAckResults[E]>;

/** The `/chat` namespace: authenticate, validate, rate-limit, authorize via chat, answer with an ack. */
export function registerChatNamespace(
  io: ChatServer,
  options: ChatNamespaceOptions,
): { namespace: ChatNamespace; sink: ChatSink } {
  const namespace = io.of(CHAT_NAMESPACE);
  const sink = tellingOtherInstances(createRoomSink(namespace), namespace, options.crossInstance);
  const { chat } = options;
  const abandonChecks = new AbandonChecks(namespace, chat, options.disconnectGraceMs);
  const expiry = new TokenExpiry(options.authExpiredGraceMs);

  namespace.use((socket, next) => {
    if (options.draining()) {
      const error = new EchoError('unavailable', 'This instance is shutting down; connect again');
      next(Object.assign(new Error(error.message), { data: error.toPayload() }));
      return;
    }
    authenticate(socket, options, expiry).then(
      () => next(),
      (error: unknown) => {
        // The error payload as `data`, so a widget can show the polite refusal (code forbidden) as it is.
        const echo = toEchoError(error);
        options.metrics?.eventRejected('connect', echo.code);
        next(Object.assign(new Error(echo.message), { data: echo.toPayload() }));
      },
    );
  });

  const handlers: { [E in ClientEventName]: Handler<E> } = {
    'session:create': async (socket, payload) => {
      const session = await chat.createSession(socket.data.userId, payload, sink);
      await socket.join(roomForSession(session.id));
      return { session };
    },
    'session:join': async (socket, payload) => {
      const result = await chat.joinSession(socket.data.userId, payload);
      await socket.join(roomForSession(result.session.id));
      return result;
    },
    'message:send': async (socket, payload, log) => {
      if (options.draining()) {
        throw new EchoError('unavailable', 'This instance is shutting down; reconnect and send again', {
          retryable: true,
        });
      }
      if (payload.text.length > options.maxMessageChars) {
        throw new EchoError('invalid', `text: must be at most ${options.maxMessageChars} characters`);
      }
      const sent = await chat.sendMessage(socket.data.userId, payload, sink, log);
      // The sender hears its own turn even if it never joined: chat broadcasts on the next tick, after this.
      await socket.join(roomForSession(payload.sessionId));
      return sent;
    },
    'turn:cancel': async (socket, payload) => {
      const local = await chat.cancelTurn(socket.data.userId, payload);
      if (local.cancelled || !options.crossInstance) return local;
      // The adapter bounds the wait (its requestsTimeout) and rejects when an instance does not answer.
      const answers = await namespace
        .serverSideEmitWithAck('cancel-turn', payload)
        .catch(() => [] as boolean[]);
      return { cancelled: answers.some(Boolean) };
    },
    feedback: (socket, payload) => chat.addFeedback(socket.data.userId, payload),
    'auth:refresh': async (socket, payload) => {
      const claims = await options.tokens.verify(payload.token);
      if (claims.userId !== socket.data.userId || claims.siteKey !== socket.data.siteKey) {
        throw new EchoError('forbidden', 'token: names another listener or site key than this socket');
      }
      await options.siteKeys.authorize(claims, socket.data.origin);
      expiry.watch(socket, claims.expiresAtMs);
      return { expiresAt: new Date(claims.expiresAtMs).toISOString() };
    },
    typing: async (socket, payload) => {
      const room = roomForSession(payload.sessionId);
      if (!socket.rooms.has(room)) throw new EchoError('forbidden', 'Join the session before typing in it');
      socket
        .to(room)
        .emit('typing', { sessionId: payload.sessionId, userId: socket.data.userId, on: payload.on });
      return {};
    },
  };

  // Authorization already happened on the instance the listener is connected to.
  namespace.on('cancel-turn', (payload, ack) => {
    const parsed = clientPayloadSchemas['turn:cancel'].safeParse(payload);
    ack(parsed.success && chat.cancelLocalTurn(parsed.data.sessionId, parsed.data.turnId));
  });
  namespace.on('session-deleted', (sessionId) => {
    const parsed = sessionIdSchema.safeParse(sessionId);
    if (parsed.success) void chat.forgetSession(parsed.data);
  });

  // One listener per event for all sockets (the socket is `this`), not a closure per socket and event:
  // an idle connection then costs its transport and little else.
  const listeners = (Object.keys(handlers) as ClientEventName[]).map(
    (event) => [event, listener(event, handlers[event] as Handler<typeof event>, options, expiry)] as const,
  );
  const onDisconnecting = function (this: ChatSocket) {
    const sessionIds = [...this.rooms]
      .filter((room) => room.startsWith('session:'))
      .map((room) => room.slice('session:'.length));
    if (sessionIds.length > 0) abandonChecks.left(sessionIds);
  };
  const releaseHandshake = releasingHandshakes(io);
  namespace.on('connection', (socket) => {
    // Authenticated: what the handshake told (listener, site key, Origin) is in socket.data.
    releaseHandshake(socket);
    for (const [event, onEvent] of listeners) socket.on(event, onEvent);
    // The listener's session list reaches every socket of theirs. Rooms are per instance, so this is
    // done at once, before any event of the socket is read.
    joinRoom(socket, roomForUser(socket.data.userId), options.logger);
    socket.on('disconnecting', onDisconnecting);
  });
  return { namespace, sink };
}

/**
 * The token's listener, and for a widget token its site key, checked against the handshake's Origin;
 * then a place among the open connections of the address and of the listener, given back on disconnect.
 */
async function authenticate(
  socket: ChatSocket,
  options: ChatNamespaceOptions,
  expiry: TokenExpiry,
): Promise<void> {
  const claims = await options.tokens.verify(socket.handshake.auth?.token);
  // A connection's request is let go once its first socket connected (handshake-release.ts).
  if (!socket.request) throw new EchoError('invalid', 'Connect each socket on a connection of its own');
  const origin = socket.handshake.headers.origin;
  await options.siteKeys.authorize(claims, origin);
  const release = await options.limits.connect(options.clientAddress(socket.request), claims.userId);
  socket.once('disconnect', () => {
    release();
    expiry.stop(socket);
  });
  socket.data.userId = claims.userId;
  if (claims.siteKey !== undefined) {
    socket.data.siteKey = claims.siteKey;
    if (origin !== undefined) socket.data.origin = origin;
  }
  expiry.watch(socket, claims.expiresAtMs);
}

/** With several instances, a deleted session is also forgotten by the others (their turns, caches). */
function tellingOtherInstances(sink: ChatSink, namespace: ChatNamespace, crossInstance: boolean): ChatSink {
  if (!crossInstance) return sink;
  return {
    emit: (sessionId, event, payload) => sink.emit(sessionId, event, payload),
    sessionUpdated: (session) => sink.sessionUpdated(session),
    importProgress: (userId, job) => sink.importProgress(userId, job),
    sessionDeleted(session) {
      sink.sessionDeleted(session);
      namespace.serverSideEmit('session-deleted', session.id);
    },
  };
}

/** socket.join answers at once with in-process rooms and may return a promise with other adapters. */
function joinRoom(socket: ChatSocket, room: string, logger: Logger): void {
  Promise.resolve(socket.join(room)).catch((error: unknown) =>
    logger.warn({ err: error, room, socketId: socket.id }, 'could not join the room'),
  );
}

/** The listener of one event, shared by every socket: socket.io calls it with the socket as `this`. */
function listener<E extends ClientEventName>(
  event: E,
  handler: Handler<E>,
  options: ChatNamespaceOptions,
  expiry: TokenExpiry,
): (this: ChatSocket, ...args: unknown[]) => Promise<void> {
  return async function (this: ChatSocket, ...args: unknown[]) {
    // Every line about this event, and about the turn a message starts, names the socket.
    const log = options.logger.child({ socketId: this.id });
    // The ack is the last argument, whatever comes between; an emit without a payload puts it first.
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    const startedAt = performance.now();
    const respond = (response: Ack<ClientAckResults[E]>) => {
      ack?.(response);
      // Like a REST request's line: at debug, never the payload (it may carry a token).
      log.debug(
        {
          event,
          ok: response.ok,
          ...(response.ok ? {} : { code: response.error.code }),
          durationMs: Math.round(performance.now() - startedAt),
        },
        'socket event',
      );
    };
    options.metrics?.eventReceived(event);
    try {
      if (event !== 'auth:refresh' && expiry.isExpired(this)) {
        throw new EchoError('unauthorized', 'The token has expired: send auth:refresh with a new one');
      }
      assertWithinSize(payload, options.maxEventBytes);
      await admit(this, event, payload, options);
      // A widget's socket stops working once its key is revoked (within the cache time), not only new ones.
      if (this.data.siteKey !== undefined) {
        await options.siteKeys.requireOrigin(this.data.siteKey, this.data.origin);
      }
      const parsed = clientPayloadSchemas[event].safeParse(payload ?? {});
      if (!parsed.success) throw invalid(parsed.error.issues);
      const result = await handler(this, parsed.data as ClientPayload<E>, log);
      respond({ ok: true, ...result });
    } catch (caught) {
      const error = toEchoError(caught);
      if (error.code === 'internal') log.error({ err: caught, event }, 'socket handler failed');
      options.metrics?.eventRejected(event, error.code);
      respond({ ok: false, error: error.toPayload() });
    }
  };
}

/** The transport allows more than one event may carry, so an over-size event is answered, not dropped. */
function assertWithinSize(payload: unknown, maxBytes: number): void {
  if (payload === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(payload) ?? '');
  if (bytes > maxBytes) {
    throw new EchoError('payload_too_large', `payload: ${bytes} bytes, at most ${maxBytes} allowed`);
  }
}

/**
 * The listener's rate limits. A resend of a message already stored (a client retrying after a lost ack)
 * always passes: it starts no new turn, and refusing it would leave the client unsure forever.
 */
async function admit(
  socket: ChatSocket,
  event: ClientEventName,
  payload: unknown,
  options: ChatNamespaceOptions,
): Promise<void> {
  try {
    await options.limits.consume(socket.data.userId, event);
  } catch (refusal) {
    if (event !== 'message:send' || toEchoError(refusal).code !== 'rate_limited') throw refusal;
    const resend = clientPayloadSchemas['message:send'].safeParse(payload);
    if (!resend.success) throw refusal;
    const { sessionId, clientMsgId } = resend.data;
    if (!(await options.chat.isStoredMessage(socket.data.userId, sessionId, clientMsgId))) throw refusal;
  }
}

/**
 * After the grace period, stop the turns of sessions that nobody (on any instance) listens to. One check
 * per session at a time (each asks every instance), counted from the session's latest departure.
 */
class AbandonChecks {
  /** Session id → when its latest listener left. */
  readonly #lastLeft = new Map<string, number>();

  constructor(
    private readonly namespace: ChatNamespace,
    private readonly chat: ChatService,
    private readonly graceMs: number,
  ) {}

  left(sessionIds: string[]): void {
    for (const sessionId of sessionIds) {
      const scheduled = this.#lastLeft.has(sessionId);
      this.#lastLeft.set(sessionId, Date.now());
      if (!scheduled) this.#schedule(sessionId, this.graceMs);
    }
  }

  #schedule(sessionId: string, delayMs: number): void {
    setTimeout(() => void this.#check(sessionId), delayMs).unref();
  }

  async #check(sessionId: string): Promise<void> {
    const remaining = (this.#lastLeft.get(sessionId) ?? 0) + this.graceMs - Date.now();
    if (remaining > 0) {
      this.#schedule(sessionId, remaining);
      return;
    }
    this.#lastLeft.delete(sessionId);
    const listeners = await this.namespace
      .in(roomForSession(sessionId))
      .fetchSockets()
      .catch(() => [{}]);
    if (listeners.length === 0) this.chat.abandonSession(sessionId);
  }
}
