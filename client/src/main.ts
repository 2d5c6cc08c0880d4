import { io, type Socket } from 'socket.io-client';
import {
  type Ack,
  CHAT_NAMESPACE,
  type ClientAckResults,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorPayload,
  type Message,
  type ServerToClientEvents,
} from '../../src/protocol/index.js';
import { forgetToken, guestToken } from './auth.js';
import { type FeedbackHandler, messageBubble, setBubbleMeta, setBubbleText, trackCards } from './render.js';

const SESSION_KEY = 'echotune.sessionId';
const messagesView = document.querySelector<HTMLElement>('#messages')!;
const statusView = document.querySelector<HTMLElement>('#status')!;
const composer = document.querySelector<HTMLFormElement>('#composer')!;
const input = document.querySelector<HTMLInputElement>('#text')!;

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface LiveTurn {
  bubble: HTMLElement;
  text: string;
  nextIndex: number;
  recommendationIds: Map<string, string>;
}

const state = {
  sessionId: localStorage.getItem(SESSION_KEY),
  lastSeq: 0,
  renderedSeqs: new Set<number>(),
  turns: new Map<string, LiveTurn>(),
  storedTurnBubbles: new Map<string, HTMLElement>(),
};

function setStatus(text: string): void {
  statusView.textContent = text;
}

function scrollToEnd(): void {
  messagesView.scrollTop = messagesView.scrollHeight;
}

async function request<E extends ClientEventName>(
  socket: ChatSocket,
  event: E,
  payload: unknown,
): Promise<ClientAckResults[E]> {
  // The typed emitWithAck cannot see through the generic event name; the ack shape is checked below.
  const untyped = socket as unknown as Socket;
  const response = (await untyped.timeout(15_000).emitWithAck(event, payload)) as Ack<ClientAckResults[E]>;
  if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response;
}

function showStoredMessage(message: Message): void {
  state.lastSeq = Math.max(state.lastSeq, message.seq);
  if (state.renderedSeqs.has(message.seq)) return;
  // The live bubble of a finished turn already shows this text.
  if (message.meta && state.turns.has(message.meta.turnId)) return;
  state.renderedSeqs.add(message.seq);
  const bubble = messageBubble(message.role, message.text);
  if (message.meta) {
    setBubbleMeta(bubble, `${message.meta.provider} · ${message.meta.model}`);
    state.storedTurnBubbles.set(message.meta.turnId, bubble);
  }
  messagesView.append(bubble);
  scrollToEnd();
}

async function openSession(socket: ChatSocket): Promise<void> {
  if (state.sessionId) {
    try {
      const joined = await request(socket, 'session:join', {
        sessionId: state.sessionId,
        afterSeq: state.lastSeq,
      });
      for (const message of joined.messages) showStoredMessage(message);
      for (const { turnId, recommendationId, tracks } of joined.recommendations) {
        state.storedTurnBubbles
          .get(turnId)
          ?.append(trackCards(tracks, sendFeedback(socket, recommendationId)));
      }
      return;
    } catch {
      // A session from an old token or a wiped database: start a fresh one.
    }
  }
  const created = await request(socket, 'session:create', {});
  state.sessionId = created.session.id;
  state.lastSeq = 0;
  localStorage.setItem(SESSION_KEY, created.session.id);
}

function liveTurn(turnId: string): LiveTurn {
  let turn = state.turns.get(turnId);
  if (!turn) {
    const bubble = messageBubble('assistant', '');
    messagesView.append(bubble);
    turn = { bubble, text: '', nextIndex: 0, recommendationIds: new Map() };
    state.turns.set(turnId, turn);
  }
  return turn;
}

function sendFeedback(socket: ChatSocket, recommendationId: string): FeedbackHandler {
  return async (trackId, signal) => {
    try {
      await request(socket, 'feedback', { recommendationId, trackId, signal });
      return true;
    } catch (error) {
      setStatus(String(error));
      return false;
    }
  };
}

function listen(socket: ChatSocket): void {
  socket.on('message:new', ({ message }) => showStoredMessage(message));
  socket.on('turn:start', ({ turnId, provider, model, resumedText }) => {
    const turn = liveTurn(turnId);
    // Another instance finishes a reply whose instance stopped: its text so far, then deltas from 0.
    if (resumedText !== undefined) {
      turn.text = resumedText;
      turn.nextIndex = 0;
      setBubbleText(turn.bubble, turn.text);
    }
    setBubbleMeta(turn.bubble, `${provider} · ${model} · thinking…`);
  });
  socket.on('turn:delta', ({ turnId, index, text }) => {
    const turn = liveTurn(turnId);
    if (index !== turn.nextIndex)
      setStatus(`missed part of a reply (expected ${turn.nextIndex}, got ${index})`);
    turn.nextIndex = index + 1;
    turn.text += text;
    setBubbleText(turn.bubble, turn.text);
    scrollToEnd();
  });
  socket.on('turn:recs', ({ turnId, recommendationId, tracks }) => {
    const turn = liveTurn(turnId);
    for (const track of tracks) turn.recommendationIds.set(track.id, recommendationId);
    turn.bubble.append(trackCards(tracks, sendFeedback(socket, recommendationId)));
    scrollToEnd();
  });
  socket.on('turn:done', ({ turnId, message, costUsd, ttftMs, totalMs }) => {
    const turn = liveTurn(turnId);
    setBubbleText(turn.bubble, message.text);
    state.renderedSeqs.add(message.seq);
    state.lastSeq = Math.max(state.lastSeq, message.seq);
    const meta = message.meta;
    setBubbleMeta(
      turn.bubble,
      `${meta?.provider} · ${meta?.model} · first words ${ttftMs ?? '–'} ms · ${totalMs} ms · $${costUsd.toFixed(4)}`,
    );
  });
  socket.on('turn:error', ({ turnId, message, code }) => {
    const turn = liveTurn(turnId);
    turn.bubble.classList.add('error');
    setBubbleMeta(turn.bubble, `stopped: ${message} (${code})`);
  });
}

async function send(socket: ChatSocket, text: string): Promise<void> {
  const clientMsgId = crypto.randomUUID();
  // Retried with the same clientMsgId, so a lost ack never produces a duplicate message.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      const sent = await request(socket, 'message:send', { sessionId: state.sessionId, clientMsgId, text });
      state.lastSeq = Math.max(state.lastSeq, sent.seq);
      return;
    } catch (error) {
      setStatus(`sending failed (${String(error)}), attempt ${attempt} of 3`);
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

async function start(): Promise<void> {
  const socket: ChatSocket = io(CHAT_NAMESPACE, {
    auth: (callback) => {
      guestToken().then(
        (token) => callback({ token }),
        (error: unknown) => {
          setStatus(error instanceof Error ? error.message : String(error));
          callback({});
        },
      );
    },
    transports: ['websocket', 'polling'],
    // Jittered exponential backoff (0.5 s doubling to 10 s, ±50 %): when an instance restarts, its
    // listeners come back spread out instead of all at once.
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
  });
  listen(socket);
  socket.on('connect', () => {
    setStatus('connected');
    openSession(socket).catch((error: unknown) => setStatus(`could not open the chat: ${String(error)}`));
  });
  socket.on('disconnect', () => setStatus('reconnecting…'));
  socket.on('connect_error', (error: Error & { data?: ErrorPayload }) => {
    // A site that may not use EchoTune hears so in the server's words, not as a connection failure.
    if (error.data?.code === 'forbidden') {
      setStatus(error.data.message);
      return;
    }
    setStatus(`cannot connect: ${error.message}`);
    if (/token/i.test(error.message)) forgetToken();
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !state.sessionId) return;
    input.value = '';
    void send(socket, text);
  });
  document.querySelector('#new-chat')?.addEventListener('click', () => {
    localStorage.removeItem(SESSION_KEY);
    location.reload();
  });
}

void start();
