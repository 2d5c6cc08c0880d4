import type OpenAI from 'openai';
import { io, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type GuestTokenResponse, type ServerPayloads } from '../../src/protocol/index.js';
import { RELAY_EVENTS } from './relay.js';
import { MARK, now, TURN_MS } from './upstream.js';

/** One first delta's wait, without the upstream's own time to first byte, split at the upstream. */
export interface Overhead {
  /** From the send to the upstream's receipt of the request. */
  there: number;
  /** From the upstream's first byte to the first words at the client. */
  back: number;
}

function overheadOf(sent: number, received: number, text: string): Overhead {
  const [arrived, firstByte] = text
    .slice(text.indexOf(MARK) + MARK.length)
    .split(' ')[0]!
    .split(',')
    .map(Number);
  if (!Number.isFinite(arrived) || !Number.isFinite(firstByte)) {
    throw new Error(`no upstream timing in "${text}"`);
  }
  return { there: arrived! - sent, back: received - firstByte! };
}

export const total = (overhead: Overhead) => overhead.there + overhead.back;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

// ---------- EchoTune: a guest with a session, turns through the chat protocol ----------

export interface Listener {
  socket: Socket;
  sessionId: string;
}

export async function connectListener(url: string): Promise<Listener> {
  const guest = (await (
    await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' })
  ).json()) as GuestTokenResponse;
  const socket = await connectSocket(`${url}${CHAT_NAMESPACE}`, { token: guest.token });
  const created = (await socket.emitWithAck('session:create', {})) as {
    ok: boolean;
    session: { id: string };
  };
  return { socket, sessionId: created.session.id };
}

async function connectSocket(url: string, auth?: { token: string }): Promise<Socket> {
  const socket = io(url, { ...(auth ? { auth } : {}), transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

let messageCounter = 0;

/** One turn: send, wait for the first delta and the end of the turn, return the first delta's overhead. */
export function measureTurn(listener: Listener): Promise<Overhead> {
  const { socket } = listener;
  return new Promise((resolve, reject) => {
    const sent = now();
    let overhead: Overhead | null = null;
    const onDelta = (delta: ServerPayloads['turn:delta']) => {
      if (delta.index !== 0) return;
      overhead = overheadOf(sent, now(), delta.text);
      socket.off('turn:delta', onDelta);
    };
    const onError = (error: ServerPayloads['turn:error']) => finish(new Error(error.message));
    const onDone = () => finish(overhead ? null : new Error('turn:done before any turn:delta'));
    const finish = (error: Error | null) => {
      socket.off('turn:delta', onDelta).off('turn:error', onError).off('turn:done', onDone);
      if (error) reject(error);
      else resolve(overhead!);
    };
    socket.on('turn:delta', onDelta).on('turn:error', onError).on('turn:done', onDone);
    messageCounter += 1;
    // A refused send (queue full, rate limit) must fail the run, not leave this worker waiting forever.
    socket
      .emitWithAck('message:send', {
        sessionId: listener.sessionId,
        clientMsgId: `bench-${messageCounter}`,
        text: 'hello',
      })
      .then((ack: { ok: boolean; error?: { message: string } }) => {
        if (!ack.ok) finish(new Error(`message:send refused: ${ack.error?.message}`));
      }, finish);
  });
}

// ---------- the bare relay and the SDK alone: the two baselines ----------

export const connectRelay = (url: string): Promise<Socket> => connectSocket(url);

export function measureRelayTurn(socket: Socket): Promise<Overhead> {
  return new Promise((resolve, reject) => {
    const sent = now();
    let overhead: Overhead | null = null;
    const onDelta = (text: string) => {
      overhead ??= overheadOf(sent, now(), text);
    };
    const finish = (error: Error | null) => {
      socket.off(RELAY_EVENTS.delta, onDelta).off(RELAY_EVENTS.done).off(RELAY_EVENTS.failed);
      if (error) reject(error);
      else resolve(overhead!);
    };
    socket.on(RELAY_EVENTS.delta, onDelta);
    socket.once(RELAY_EVENTS.done, () => finish(overhead ? null : new Error('relay: done before a delta')));
    socket.once(RELAY_EVENTS.failed, (message: string) => finish(new Error(`relay: ${message}`)));
    socket.emit(RELAY_EVENTS.send, 'hello');
  });
}

export async function measureDirect(client: OpenAI): Promise<Overhead> {
  const sent = now();
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
    stream: true,
  });
  let overhead: Overhead | null = null;
  for await (const part of stream) {
    const content = part.choices[0]?.delta.content;
    if (content && !overhead) overhead = overheadOf(sent, now(), content);
  }
  if (!overhead) throw new Error('the direct stream carried no text');
  return overhead;
}

/**
 * N workers, each starting at a random point of one turn's length and then running turns back to back,
 * so that new turns keep arriving while about N others are streaming (a steady state, not a burst).
 */
export async function inFlight(
  level: number,
  samples: number,
  turn: (slot: number) => Promise<Overhead>,
): Promise<Overhead[]> {
  const results: Overhead[] = [];
  const worker = async (slot: number) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * TURN_MS));
    while (results.length < samples) results.push(await turn(slot));
  };
  await Promise.all(Array.from({ length: level }, (_, slot) => worker(slot)));
  return results;
}
