import type { ErrorPayload } from '../../../src/protocol/index.js';
import { type Connection, connect } from '../core/connection.js';
import conversationCss from '../core/conversation.css?inline';
import { Conversation } from '../core/conversation.js';
import type { ReplyEntry } from '../core/conversation-state.js';
import { h } from '../core/dom.js';
import { EntryView } from '../core/entry-view.js';
import { loadMarkdown } from '../core/rich-text.js';
import { ScrollKeeper } from '../core/scroll-keeper.js';
import { TokenRefused } from '../core/token-source.js';
import panelCss from './panel.css?inline';
import type { MountPanel, PanelHost, WidgetUser } from './widget-contract.js';

const REFUSED =
  'Sorry — this website is not set up to use this chat. If it is yours, allow its address for your site key.';
const UNREACHABLE = 'Cannot reach the chat — retrying…';
const DEFAULT_GREETING = 'Tell me what you feel like hearing.';
/** Where the panel covers the whole screen (as in panel.css): Tab then stays inside it. */
const FULL_SCREEN = '(max-width: 480px)';

interface Live {
  connection: Connection;
  conversation: Conversation;
  view: EntryView;
}

/** The chat panel of the widget: the page's conversation core in a small window, inside the shadow root. */
export const mount: MountPanel = (host) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`${conversationCss}\n${panelCss}`);
  host.shadow.adoptedStyleSheets = [...host.shadow.adoptedStyleSheets, sheet];
  const ui = buildPanel(host);
  const scroller = new ScrollKeeper(ui.scroll);
  host.container.append(ui.panel);

  let visible = false;
  let unread = 0;
  let live: Live | undefined;

  const notice = (text: string | null) => {
    ui.notice.hidden = text === null;
    ui.notice.textContent = text ?? '';
  };
  const refused = (error: ErrorPayload) => {
    notice(REFUSED);
    // Focus stays in the panel (a disabled input lets go of it): on Close, the one thing left to do.
    const typing = host.shadow.activeElement === ui.input;
    ui.input.disabled = true;
    ui.send.disabled = true;
    if (typing) ui.close.focus();
    host.emit('error', { code: error.code, message: error.message });
  };

  const start = (user: WidgetUser | null) => {
    ui.greeting.textContent = greetingFor(host.options.greeting, user);
    ui.status.textContent = '';
    notice(null);
    ui.input.disabled = false;
    /** Said once per outage: the host hears `error` when the chat cannot be reached, not on every retry. */
    let reachable = true;
    const unreachable = (message: string) => {
      ui.status.textContent = UNREACHABLE;
      if (!reachable) return;
      reachable = false;
      host.emit('error', { code: 'unavailable', message });
    };
    const prefix = `echotune.widget.${host.options.siteKey}${user ? `.${user.id}` : ''}`;
    const connection = connect({
      baseUrl: host.options.baseUrl,
      siteKey: host.options.siteKey,
      storagePrefix: prefix,
      autoConnect: false,
      ...(user?.name ? { displayName: user.name } : {}),
    });
    const view = new EntryView({
      retry: (key) => conversation.retry(key),
      opinion: (recommendationId, trackId, opinion) => {
        conversation.setOpinion(recommendationId, trackId, opinion).catch(() => undefined);
      },
    });
    const sessionKey = `${prefix}.sessionId`;
    const conversation = new Conversation(
      connection,
      {
        changed: (entry, entries) => {
          view.place(ui.entries, entry, entries);
          refresh();
          if (entry.kind === 'reply' && entry.cards.length > 0) void loadMarkdown();
        },
        removed: (key) => view.forget(key),
        reset: (entries) => {
          view.clear();
          for (const entry of entries) view.place(ui.entries, entry, entries);
          refresh();
        },
        session: () => undefined,
        loaded: () => {
          const bubbles = ui.entries.querySelectorAll<HTMLElement>('.message.user');
          scroller.loaded(bubbles[bubbles.length - 1]);
        },
        finished: (reply) => finished(reply),
        joinFailed: () => {
          localStorage.removeItem(sessionKey);
          void openNew().catch(() => undefined);
        },
      },
      prefix,
    );
    const openNew = async () => {
      const session = await conversation.create();
      localStorage.setItem(sessionKey, session.id);
    };
    const { socket } = connection;
    socket.on('connect', () => {
      reachable = true;
      ui.status.textContent = '';
      notice(null);
      if (!conversation.sessionId) void openNew().catch(() => undefined);
    });
    socket.on('disconnect', () => {
      ui.status.textContent = 'Offline — reconnecting…';
    });
    socket.on('connect_error', (error) => {
      const data = (error as Error & { data?: ErrorPayload }).data;
      if (data?.code === 'forbidden') {
        socket.disconnect();
        refused(data);
        return;
      }
      unreachable(`The chat cannot be reached: ${error.message}`);
    });
    socket.on('turn:recs', ({ recommendationId, tracks }) =>
      host.emit('recommendations', { recommendationId, tracks }),
    );
    const stored = localStorage.getItem(sessionKey);
    if (stored) {
      void conversation.open(stored);
      void loadMarkdown();
    }
    // A token first: a site that may not use this key hears so once, instead of a reconnect loop. Not
    // once this conversation was let go meanwhile (setUser, destroy): its socket stays closed.
    const current = () => live?.connection === connection;
    connection.tokens.get().then(
      () => current() && socket.connect(),
      (error: unknown) => {
        if (!current()) return;
        if (error instanceof TokenRefused && error.error.code === 'forbidden') refused(error.error);
        else {
          unreachable(
            `The chat cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
          );
          setTimeout(() => current() && socket.connect(), 2000);
        }
      },
    );
    live = { connection, conversation, view };
  };

  const stop = () => {
    live?.connection.socket.removeAllListeners();
    live?.connection.socket.disconnect();
    live?.view.clear();
    live = undefined;
  };

  const finished = (reply: ReplyEntry) => {
    refresh();
    ui.announcer.textContent = `${host.options.title}: ${reply.text.slice(0, 600)}`;
    if (reply.status === 'done') host.emit('message', { role: 'assistant', text: reply.text });
    if (!visible) host.setUnread(++unread);
  };

  const refresh = () => {
    const conversation = live?.conversation;
    ui.stop.hidden = !conversation?.runningReply;
    ui.send.disabled = ui.input.value.trim() === '' || ui.input.disabled;
    scroller.changed();
  };

  const submit = () => {
    const text = ui.input.value.trim();
    const conversation = live?.conversation;
    if (!text || !conversation) return;
    void loadMarkdown();
    ui.input.value = '';
    conversation.send(text);
    host.emit('message', { role: 'user', text });
    const bubbles = ui.entries.querySelectorAll<HTMLElement>('.message.user');
    const sent = bubbles[bubbles.length - 1];
    if (sent) scroller.sent(sent);
    refresh();
  };

  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  // Full screen, the page behind is hidden: Tab goes round the panel instead of into the page.
  ui.panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab' || !matchMedia(FULL_SCREEN).matches) return;
    const focusable = [
      ...ui.panel.querySelectorAll<HTMLElement>('button, textarea, a[href], summary, [tabindex="0"]'),
    ].filter((element) => !(element as HTMLButtonElement).disabled && element.checkVisibility());
    const first = focusable[0];
    const last = focusable.at(-1);
    const active = host.shadow.activeElement;
    if (event.shiftKey ? active === first : active === last) {
      event.preventDefault();
      (event.shiftKey ? last : first)?.focus();
    }
  });
  ui.input.addEventListener('input', refresh);
  ui.stop.addEventListener('click', () => void live?.conversation.stop().catch(() => undefined));
  ui.close.addEventListener('click', () => host.close());
  const ticker = setInterval(() => live?.view.tick(live.conversation.entries), 1000);

  start(host.user);
  return {
    shown(isVisible) {
      visible = isVisible;
      if (!isVisible) return;
      unread = 0;
      host.setUnread(0);
      (ui.input.disabled ? ui.close : ui.input).focus();
      refresh();
    },
    setUser(user) {
      stop();
      start(user);
    },
    destroy() {
      clearInterval(ticker);
      stop();
    },
  };
};

function buildPanel(host: PanelHost) {
  const { options } = host;
  const status = h('span', { class: 'status', role: 'status' });
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the chat' }, '✕');
  const entries = h('div', { class: 'entries' });
  const notice = h('p', { class: 'notice', role: 'alert' });
  notice.hidden = true;
  const greeting = h('p', { class: 'greeting' });
  const scroll = h('div', { class: 'scroll' }, greeting, entries, notice);
  const input = h('textarea', {
    rows: 1,
    maxlength: 4000,
    'aria-label': 'Message',
    placeholder: 'Ask for music…',
  });
  const stop = h('button', { type: 'button', class: 'stop' }, '■ Stop');
  stop.hidden = true;
  const send = h('button', { type: 'submit', class: 'send' }, 'Send');
  const form = h('form', { class: 'composer' }, input, stop, send);
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  const panel = h(
    'section',
    { class: `panel theme-${options.theme}`, role: 'dialog', 'aria-label': `${options.title} chat` },
    h('header', {}, h('h2', {}, options.title), status, close),
    scroll,
    form,
    announcer,
  );
  return { panel, status, close, greeting, entries, notice, scroll, input, stop, send, form, announcer };
}

/** The site's greeting (or ours), by name when the host named its user; always text. */
function greetingFor(greeting: string | null, user: WidgetUser | null): string {
  const hello = user?.name ? `Hi ${user.name}!` : 'Hi!';
  if (greeting === null) return `${hello} ${DEFAULT_GREETING}`;
  return user?.name ? `${hello} ${greeting}` : greeting;
}
