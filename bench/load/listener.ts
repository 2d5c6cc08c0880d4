import { io, type Socket } from 'socket.io-client';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type ClientEventName,
  type ErrorCode,
  type GuestTokenResponse,
  type Message,
  type ServerPayloads,
} from '../../src/protocol/index.js';
import { now } from '../turn-overhead/upstream.js';
import type { Timeline } from './timeline.js';
import { type TurnOutcome, turnText, upstreamMark } from './turn-outcome.js';

const ACK_TIMEOUT_MS = 5_000;
/** No word about the turn for this long: look in the session (its instance may have died), then resend. */
const QUIET_MS = 8_000;
/** A turn without its reply this long after its first send is given up and counted as abandoned. */
export const TURN_DEADLINE_MS = 60_000;
/** Replies that do not answer their message: a resend of it is answered again (chat-service.ts). */
const unfinishedReasons = new Set(['interrupted', 'error', 'cancelled']);

const isFinishedReplyTo = (message: Message, messageId: string) =>
  message.role === 'assistant' &&
  message.meta?.replyTo === messageId &&
  !unfinishedReasons.has(message.meta.finishReason);

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
/** Jittered, as the page retries: resends of many clients after one outage must not arrive at once. */
const backoff = (retryAfterMs = 0) => pause(Math.max(retryAfterMs, 200 + Math.random() * 400));

type Settled =
  | { kind: 'done'; provider: string; recoveredByJoin: boolean }
  | { kind: 'error'; code: ErrorCode; retryable: boolean }
  | { kind: 'quiet' };

/** The one turn a listener has in flight. */
interface CurrentTurn {
  outcome: TurnOutcome;
  firstSentAt: number;
  messageId?: string;
  seq?: number;
  turnId?: string;
  firstDeltaSeen: boolean;
  lastHeard: number;
  settle?: (settled: Settled) => void;
}

export async function guestToken(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST /api/v1/auth/guest answered ${response.status}`);
  return ((await response.json()) as GuestTokenResponse).token;
}

/**
 * One listener as the page behaves: a guest with one session, reconnecting with jittered backoff (through
 * the balancer, to any instance) and rejoining its session; one message at a time, resent with the same
 * clientMsgId after a refusal or a turn:error that says `retryable`, until that message has its reply.
 */
export class Listener {
  readonly socket: Socket;
  sessionId = '';
  #current: CurrentTurn | undefined;

  constructor(
    url: string,
    token: string,
    private readonly timeline?: Timeline,
  ) {
    this.socket = io(`${url}${CHAT_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
      randomizationFactor: 0.5,
      forceNew: true,
    });
    this.socket.on('turn:start', (payload: ServerPayloads['turn:start']) => this.#onStart(payload));
    this.socket.on('turn:delta', (payload: ServerPayloads['turn:delta']) => this.#onDelta(payload));
    this.socket.on('turn:done', (payload: ServerPayloads['turn:done']) => this.#onDone(payload));
    this.socket.on('turn:error', (payload: ServerPayloads['turn:error']) => this.#onError(payload));
  }

  static async open(url: string, timeline?: Timeline): Promise<Listener> {
    const listener = new Listener(url, await guestToken(url), timeline);
    await new Promise<void>((resolve, reject) => {
      listener.socket.once('connect', () => resolve());
      listener.socket.once('connect_error', reject);
    });
    const created = await listener.#request('session:create', {});
    if (!created.ok) throw new Error(`session:create refused: ${created.error.message}`);
    listener.sessionId = created.session.id;
    // A new socket (after its instance died) is in no room: rejoin, and see whether the reply came meanwhile.
    listener.socket.on('connect', () => void listener.#rejoin());
    return listener;
  }

  close(): void {
    this.socket.close();
  }

  /** Sends one message until it has its reply, or the deadline passes. */
  async converse(clientMsgId: string): Promise<TurnOutcome> {
    const outcome: TurnOutcome = {
      clientMsgId,
      sessionId: this.sessionId,
      status: 'abandoned',
      sends: 0,
      failures: [],
      ackMs: [],
      totalMs: 0,
      recoveredByJoin: false,
    };
    const current: CurrentTurn = { outcome, firstSentAt: now(), firstDeltaSeen: false, lastHeard: now() };
    this.#current = current;
    try {
      await this.#untilAnswered(current, current.firstSentAt + TURN_DEADLINE_MS);
      // A failed turn was counted by its refusal's code.
      if (outcome.status !== 'failed') this.timeline?.record(outcome.status);
    } finally {
      outcome.totalMs = now() - current.firstSentAt;
      this.#current = undefined;
    }
    return outcome;
  }

  async #untilAnswered(current: CurrentTurn, deadline: number): Promise<void> {
    const { outcome } = current;
    // A rejoin may have found the reply stored while this loop was backing off.
    while (now() < deadline && outcome.status !== 'done') {
      outcome.sends += 1;
      this.timeline?.record('send');
      const sentAt = now();
      const ack = await this.#request('message:send', {
        sessionId: this.sessionId,
        clientMsgId: outcome.clientMsgId,
        text: turnText(outcome.clientMsgId),
      }).catch(() => null);
      if (ack === null || !ack.ok) {
        this.#fail(outcome, ack === null ? 'ack_timeout' : ack.error.code);
        if (ack !== null && !ack.error.retryable) {
          outcome.status = 'failed';
          return;
        }
        await backoff(ack?.error.retryAfterMs);
        continue;
      }
      outcome.ackMs.push(now() - sentAt);
      this.timeline?.record('ack');
      current.messageId = ack.messageId;
      current.seq = ack.seq;
      const settled = await this.#settled(current, deadline);
      if (settled.kind === 'done') {
        outcome.status = 'done';
        outcome.provider = settled.provider;
        outcome.recoveredByJoin = settled.recoveredByJoin;
        return;
      }
      if (settled.kind === 'error') {
        this.#fail(outcome, settled.code);
        if (!settled.retryable) {
          outcome.status = 'failed';
          return;
        }
        await backoff();
      } else if (await this.#foundStored(current)) return;
    }
  }

  #fail(outcome: TurnOutcome, failure: TurnOutcome['failures'][number]): void {
    outcome.failures.push(failure);
    this.timeline?.record(failure);
  }

  /** Resolves on the turn's done or error, or once nothing was heard of it for QUIET_MS. */
  #settled(current: CurrentTurn, deadline: number): Promise<Settled> {
    current.lastHeard = now();
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (now() - current.lastHeard > QUIET_MS || now() > deadline) finish({ kind: 'quiet' });
      }, 500);
      const finish = (settled: Settled) => {
        clearInterval(timer);
        current.settle = undefined;
        resolve(settled);
      };
      current.settle = finish;
    });
  }

  /** Whether the session holds a finished reply to the current message (recorded as done if so). */
  async #foundStored(current: CurrentTurn): Promise<boolean> {
    if (current.messageId === undefined) return false;
    const joined = await this.#request('session:join', {
      sessionId: this.sessionId,
      afterSeq: current.seq ?? 0,
    }).catch(() => null);
    const reply = joined?.ok
      ? joined.messages.find((message) => isFinishedReplyTo(message, current.messageId!))
      : undefined;
    if (!reply) return false;
    current.outcome.status = 'done';
    current.outcome.provider = reply.meta?.provider;
    current.outcome.recoveredByJoin = true;
    return true;
  }

  async #rejoin(): Promise<void> {
    const current = this.#current;
    if (current?.messageId !== undefined && (await this.#foundStored(current))) {
      current.settle?.({
        kind: 'done',
        provider: current.outcome.provider ?? '',
        recoveredByJoin: true,
      });
    } else {
      await this.#request('session:join', { sessionId: this.sessionId, afterSeq: 0 }).catch(() => null);
    }
  }

  #onStart(payload: ServerPayloads['turn:start']): void {
    const current = this.#current;
    if (!current || payload.replyTo !== current.messageId) return;
    current.turnId = payload.turnId;
    current.lastHeard = now();
  }

  #onDelta(payload: ServerPayloads['turn:delta']): void {
    const current = this.#current;
    if (!current || payload.turnId !== current.turnId) return;
    const receivedAt = now();
    current.lastHeard = receivedAt;
    if (current.firstDeltaSeen) return;
    current.firstDeltaSeen = true;
    const mark = upstreamMark(payload.text);
    // Only a first send answered by the upstream's first attempt: retries and failovers are not overhead.
    if (mark?.attempt !== 1 || current.outcome.sends !== 1) return;
    current.outcome.overheadMs = receivedAt - current.firstSentAt - (mark.firstByte - mark.arrived);
    current.outcome.deliveryMs = receivedAt - mark.firstByte;
  }

  #onDone({ message }: ServerPayloads['turn:done']): void {
    const current = this.#current;
    if (!current?.messageId || !isFinishedReplyTo(message, current.messageId)) return;
    current.settle?.({ kind: 'done', provider: message.meta?.provider ?? '', recoveredByJoin: false });
  }

  #onError(payload: ServerPayloads['turn:error']): void {
    const current = this.#current;
    if (!current || payload.turnId !== current.turnId) return;
    current.settle?.({ kind: 'error', code: payload.code, retryable: payload.retryable });
  }

  #request<E extends ClientEventName>(event: E, payload: unknown): Promise<Ack<ClientAckResults[E]>> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload) as Promise<
      Ack<ClientAckResults[E]>
    >;
  }
}
