import type { ErrorPayload, Session } from '../../../src/protocol/index.js';
import { connect, RequestError } from '../core/connection.js';
import { Conversation } from '../core/conversation.js';
import type { ReplyEntry } from '../core/conversation-state.js';
import { EntryView } from '../core/entry-view.js';
import { loadMarkdown } from '../core/rich-text.js';
import { ScrollKeeper } from '../core/scroll-keeper.js';
import { setUpDrawer } from './drawer.js';
import { SessionList } from './session-list.js';
import { takeSpotifyReturn } from './spotify-return.js';
import { setUpThemeToggle } from './theme.js';

const STORAGE_PREFIX = 'echotune';
const SESSION_KEY = `${STORAGE_PREFIX}.sessionId`;
/** How long a tab whose chat was deleted elsewhere waits to follow the deleting tab to its new chat. */
const FOLLOW_NEW_CHAT_MS = 2_000;

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const ui = {
  conversation: byId<HTMLElement>('conversation'),
  entries: byId<HTMLElement>('entries'),
  welcome: byId<HTMLElement>('welcome'),
  status: byId<HTMLElement>('status'),
  title: byId<HTMLElement>('session-title'),
  composer: byId<HTMLFormElement>('composer'),
  input: byId<HTMLTextAreaElement>('text'),
  send: byId<HTMLButtonElement>('send'),
  stop: byId<HTMLButtonElement>('stop'),
  toLatest: byId<HTMLAnchorElement>('to-latest'),
  announcer: byId<HTMLElement>('announcer'),
};

void loadMarkdown();
setUpThemeToggle(byId('theme'));
const drawer = setUpDrawer({
  drawer: byId('drawer'),
  open: byId('open-drawer'),
  close: byId('close-drawer'),
  scrim: byId('scrim'),
});

// Before connecting: coming back from Spotify's sign-in may bring the token to connect with.
const spotifyNews = takeSpotifyReturn(STORAGE_PREFIX);
const connection = connect({ baseUrl: '', storagePrefix: STORAGE_PREFIX });
const scroll = new ScrollKeeper(ui.conversation);
const savedPlaylists = new Map<string, string>();
/** Whether this server has Spotify sign-in set up (asked once connected). */
let spotifyOffered = false;
const view = new EntryView({
  retry: (key) => {
    conversation.retry(key);
    // The pressed button goes away with the failed state: keep the keyboard where the next message goes.
    ui.input.focus();
  },
  playlists: {
    available: () => spotifyOffered,
    saved: (recommendationId) => savedPlaylists.get(recommendationId),
    async save(recommendationId) {
      const { url } = await connection.rest<{ url: string }>(
        'POST',
        `/recommendations/${recommendationId}/playlist`,
        {},
      );
      savedPlaylists.set(recommendationId, url);
      return url;
    },
  },
  opinion: (recommendationId, trackId, opinion) => {
    conversation
      .setOpinion(recommendationId, trackId, opinion)
      .catch((error: unknown) => showStatus(`Could not save that: ${(error as Error).message}`));
  },
});

const conversation = new Conversation(
  connection,
  {
    changed(entry, entries) {
      view.place(ui.entries, entry, entries);
      refreshControls();
      scroll.changed();
    },
    removed(key) {
      view.forget(key);
      refreshControls();
    },
    reset(entries) {
      view.clear();
      for (const entry of entries) view.place(ui.entries, entry, entries);
      refreshControls();
      scroll.loaded(lastUserBubble());
    },
    loaded() {
      scroll.loaded(lastUserBubble());
    },
    session(session) {
      showSession(session);
      sessions.upsert(session);
    },
    finished(reply) {
      announce(reply);
      refreshControls();
    },
    joinFailed(error) {
      if (error instanceof RequestError && (error.code === 'not_found' || error.code === 'forbidden')) {
        localStorage.removeItem(SESSION_KEY);
        void startFresh();
        return;
      }
      showStatus(`Could not open the chat: ${(error as Error).message}`);
    },
  },
  STORAGE_PREFIX,
);

const sessions = new SessionList(byId('session-list'), byId('sessions-empty'), connection, {
  select(session) {
    drawer.close();
    void openSession(session.id);
    ui.input.focus();
  },
  deletedCurrent(here) {
    conversation.close();
    ui.title.textContent = '';
    if (here) void startFresh();
    else followNewChat();
  },
  error: showStatus,
});

/**
 * The tab that deleted this chat opens a new one (and stores its id): follow it there instead of
 * starting a second empty chat; start one only when none comes (the delete came from a chat not open
 * there, or from another device).
 */
function followNewChat(): void {
  const follow = (event: StorageEvent) => {
    if (event.key !== SESSION_KEY || !event.newValue || conversation.sessionId) return;
    window.removeEventListener('storage', follow);
    void openSession(event.newValue);
  };
  window.addEventListener('storage', follow);
  setTimeout(() => {
    window.removeEventListener('storage', follow);
    if (!conversation.sessionId) void startFresh();
  }, FOLLOW_NEW_CHAT_MS);
}

function lastUserBubble(): HTMLElement | undefined {
  const users = ui.entries.querySelectorAll<HTMLElement>('.message.user');
  return users[users.length - 1];
}

function refreshControls(): void {
  const running = conversation.runningReply;
  ui.stop.hidden = !running;
  ui.send.disabled = ui.input.value.trim() === '';
  ui.welcome.hidden = conversation.entries.length > 0 || !conversation.sessionId;
  ui.toLatest.hidden = !ui.entries.querySelector('.message.assistant');
}

function showSession(session: Session): void {
  ui.title.textContent = session.title;
  document.title = `${session.title} · EchoTune`;
}

function showStatus(text: string): void {
  ui.status.textContent = text;
}

/** Screen readers hear each reply once, when it is complete, not every delta. */
function announce(reply: ReplyEntry): void {
  const tracks = reply.cards.reduce((sum, set) => sum + set.tracks.length, 0);
  const ending =
    reply.status === 'done'
      ? tracks > 0
        ? ` ${tracks} tracks suggested.`
        : ''
      : reply.status === 'stopped'
        ? ' Stopped.'
        : ' The reply did not finish.';
  ui.announcer.textContent = `EchoTune: ${plainText(reply.text).slice(0, 600)}${ending}`;
}

function plainText(markdown: string): string {
  return markdown.replace(/[*_`#>[\]]|\(https?:[^)]*\)/g, '');
}

async function openSession(sessionId: string): Promise<void> {
  localStorage.setItem(SESSION_KEY, sessionId);
  sessions.setCurrent(sessionId);
  const known = sessions.sessions.find((session) => session.id === sessionId);
  if (known) showSession(known);
  await conversation.open(sessionId);
}

/** Opens the newest chat when it is still empty, otherwise starts a new one. */
async function startFresh(): Promise<void> {
  if (!connection.socket.connected) return;
  const newest = sessions.sessions[0];
  if (newest && newest.lastSeq === 0) {
    await openSession(newest.id);
    return;
  }
  try {
    const session = await conversation.create();
    localStorage.setItem(SESSION_KEY, session.id);
    sessions.setCurrent(session.id);
  } catch (error) {
    showStatus(`Could not start a chat: ${(error as Error).message}`);
  }
}

function submit(text: string): void {
  const trimmed = text.trim();
  if (!trimmed) return;
  ui.input.value = '';
  autoGrow();
  conversation.send(trimmed);
  const bubble = lastUserBubble();
  if (bubble) scroll.sent(bubble);
  refreshControls();
}

function autoGrow(): void {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 200)}px`;
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  submit(ui.input.value);
});
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit(ui.input.value);
  }
});
ui.input.addEventListener('input', () => {
  autoGrow();
  refreshControls();
});
ui.stop.addEventListener('click', () => {
  conversation.stop().catch((error: unknown) => showStatus(`Could not stop: ${(error as Error).message}`));
  ui.input.focus();
});
ui.toLatest.addEventListener('click', (event) => {
  event.preventDefault();
  const replies = ui.entries.querySelectorAll<HTMLElement>('.message.assistant');
  replies[replies.length - 1]?.focus();
});
for (const example of ui.welcome.querySelectorAll<HTMLButtonElement>('button.example')) {
  example.addEventListener('click', () => {
    submit(example.textContent ?? '');
    ui.input.focus();
  });
}
byId<HTMLButtonElement>('new-chat').addEventListener('click', () => {
  drawer.close();
  ui.input.focus();
  if (conversation.entries.length === 0 && conversation.sessionId) return;
  conversation
    .create()
    .then((session) => {
      localStorage.setItem(SESSION_KEY, session.id);
      sessions.setCurrent(session.id);
    })
    .catch((error: unknown) => showStatus(`Could not start a chat: ${(error as Error).message}`));
});
setInterval(() => view.tick(conversation.entries), 1000);

// The listening view (import, stats, charts) loads on first use: most visits are only the chat.
let listening: Promise<{ open(): void }> | null = null;
byId<HTMLButtonElement>('listening').addEventListener('click', () => {
  listening ??= import('./listening-view.js').then(({ ListeningView }) => new ListeningView(connection));
  listening
    .then((view) => view.open())
    .catch((error: unknown) => showStatus(`Could not open your listening: ${(error as Error).message}`));
});

const { socket } = connection;
let pendingNews = spotifyNews;
socket.on('connect', () => {
  ui.status.dataset.connection = 'connected';
  showStatus(pendingNews ?? '');
  pendingNews = null;
  connection
    .rest('GET', '/spotify/status')
    .then(() => {
      if (spotifyOffered) return;
      spotifyOffered = true;
      view.redrawCards(conversation.entries);
    })
    .catch(() => {
      spotifyOffered = false;
    });
  void sessions
    .refresh()
    .catch(() => undefined)
    .then(() => {
      if (!conversation.sessionId) return startFresh();
      sessions.setCurrent(conversation.sessionId);
    });
});
socket.on('disconnect', () => {
  ui.status.dataset.connection = 'offline';
  showStatus('Offline — reconnecting…');
});
socket.on('connect_error', (error: Error & { data?: ErrorPayload }) => {
  ui.status.dataset.connection = 'offline';
  // A site that may not use EchoTune hears so in the server's words; socket.io does not retry that.
  if (error.data?.code === 'forbidden') {
    showStatus(error.data.message);
    return;
  }
  showStatus(`Cannot reach EchoTune (${error.message}) — retrying…`);
});

const stored = localStorage.getItem(SESSION_KEY);
if (stored) void conversation.open(stored);
ui.status.dataset.connection = 'connecting';
showStatus('Connecting…');
refreshControls();
ui.input.focus();
