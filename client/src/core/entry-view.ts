import type { Delivery, Entry, ReplyEntry, UserEntry } from './conversation-state.js';
import { h } from './dom.js';
import { showRichText } from './rich-text.js';
import { cardGrid, type OpinionHandler } from './track-card.js';

export interface EntryActions {
  retry(key: string): void;
  opinion: OpinionHandler;
  /** Saving a set of cards as a Spotify playlist, where the host offers it (the page, not the widget). */
  playlists?: PlaylistActions;
}

export interface PlaylistActions {
  /** Whether the server offers Spotify at all (no button where it does not). */
  available(): boolean;
  /** The playlist already made from this set, if any (it survives the cards being redrawn). */
  saved(recommendationId: string): string | undefined;
  /** Makes the playlist; resolves with its open.spotify.com link. */
  save(recommendationId: string): Promise<string>;
}

interface Rendered {
  root: HTMLElement;
  text: HTMLElement;
  status: HTMLElement;
  cards: HTMLElement;
  details: HTMLElement;
  shownText: string | null;
  shownCards: string;
}

/**
 * The bubbles of a conversation, one element per entry, updated in place: a delta touches the text, an
 * opinion the cards, so focus and scroll position survive a streaming reply.
 */
export class EntryView {
  readonly #rendered = new Map<string, Rendered>();

  constructor(private readonly actions: EntryActions) {}

  element(key: string): HTMLElement | undefined {
    return this.#rendered.get(key)?.root;
  }

  forget(key: string): void {
    this.#rendered.get(key)?.root.remove();
    this.#rendered.delete(key);
  }

  clear(): void {
    for (const rendered of this.#rendered.values()) rendered.root.remove();
    this.#rendered.clear();
  }

  /** The entry's element, created on first use and brought up to date. */
  render(entry: Entry): HTMLElement {
    let rendered = this.#rendered.get(entry.key);
    if (!rendered) {
      rendered = this.#create(entry);
      this.#rendered.set(entry.key, rendered);
    }
    if (entry.kind === 'user') this.#updateUser(rendered, entry);
    else this.#updateReply(rendered, entry);
    return rendered.root;
  }

  /** Renders the entry and puts it where the conversation's order says, moving only what is out of place. */
  place(list: HTMLElement, entry: Entry, entries: readonly Entry[]): void {
    const element = this.render(entry);
    const index = entries.indexOf(entry);
    const previous = index > 0 ? this.element(entries[index - 1]!.key) : undefined;
    if (element.parentElement === list && element.previousElementSibling === (previous ?? null)) return;
    if (previous) previous.after(element);
    else list.prepend(element);
  }

  /** Refreshes countdowns ("retrying in 4 s") once a second while any is shown. */
  tick(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'user' && entry.delivery.kind === 'retrying') this.render(entry);
    }
  }

  /** Draws every set of cards again (what the host offers beside them changed, e.g. playlists). */
  redrawCards(entries: readonly Entry[]): void {
    for (const entry of entries) {
      const rendered = this.#rendered.get(entry.key);
      if (entry.kind !== 'reply' || !rendered) continue;
      rendered.shownCards = '';
      this.#updateCards(rendered, entry);
    }
  }

  #create(entry: Entry): Rendered {
    const text = h('div', { class: 'text' });
    const status = h('div', { class: 'state' });
    const cards = h('div', { class: 'cards' });
    const details = h('div', { class: 'details-slot' });
    const label = entry.kind === 'user' ? 'You said' : 'EchoTune replied';
    const root = h(
      'article',
      { class: `message ${entry.kind === 'user' ? 'user' : 'assistant'}`, 'aria-label': label, tabindex: -1 },
      text,
      status,
      cards,
      details,
    );
    root.dataset.key = entry.key;
    return { root, text, status, cards, details, shownText: null, shownCards: '' };
  }

  #updateUser(rendered: Rendered, entry: UserEntry): void {
    if (rendered.shownText !== entry.text) {
      // What the listener typed is shown as typed: text, never markup.
      rendered.text.textContent = entry.text;
      rendered.shownText = entry.text;
    }
    rendered.root.dataset.delivery = entry.delivery.kind;
    const { text, retry } = deliveryLabel(entry.delivery);
    rendered.status.replaceChildren(
      text ? h('span', {}, text) : '',
      retry ? this.#retryButton(entry.key, 'Send again') : '',
    );
  }

  #updateReply(rendered: Rendered, entry: ReplyEntry): void {
    if (rendered.shownText !== entry.text) {
      showRichText(rendered.text, entry.text);
      rendered.shownText = entry.text;
    }
    rendered.root.dataset.status = entry.status;
    rendered.root.setAttribute(
      'aria-busy',
      String(entry.status === 'thinking' || entry.status === 'streaming'),
    );
    rendered.status.replaceChildren(...this.#replyState(entry));
    this.#updateCards(rendered, entry);
    rendered.details.replaceChildren(entry.details && !isLive(entry) ? detailsPopover(entry) : '');
  }

  #replyState(entry: ReplyEntry): Array<Node | string> {
    if (entry.gap) return [h('span', {}, 'Reconnected — the rest of this reply is on its way…')];
    switch (entry.status) {
      case 'thinking':
        return [
          h('span', { class: 'thinking' }, 'Thinking'),
          h('span', { class: 'dots', 'aria-hidden': 'true' }),
        ];
      case 'streaming':
      case 'done':
        return [];
      case 'stopped':
        return [h('span', {}, 'Stopped')];
      case 'failed':
        return [
          h(
            'span',
            { class: 'error-text' },
            `This reply did not finish: ${entry.error?.message ?? 'it failed'}.`,
          ),
          this.#retryButton(entry.key, 'Retry'),
        ];
    }
  }

  #updateCards(rendered: Rendered, entry: ReplyEntry): void {
    const signature = JSON.stringify(entry.cards.map((set) => [set.recommendationId, set.opinions]));
    if (signature === rendered.shownCards) return;
    rendered.shownCards = signature;
    // Rebuilt cards would drop focus from the button just pressed: give it back to its replacement.
    const focused = document.activeElement;
    const refocus =
      focused instanceof HTMLElement && rendered.cards.contains(focused)
        ? {
            track: focused.closest<HTMLElement>('.track')?.dataset.trackId,
            className: focused.className.split(' ').slice(0, 2).join('.'),
          }
        : null;
    rendered.cards.replaceChildren(
      ...entry.cards.flatMap((set) => {
        const grid = cardGrid(set, this.actions.opinion);
        const playlists = this.actions.playlists;
        return playlists?.available() ? [grid, playlistControl(set.recommendationId, playlists)] : [grid];
      }),
    );
    if (refocus?.track) {
      const card = [...rendered.cards.querySelectorAll<HTMLElement>('.track')].find(
        (candidate) => candidate.dataset.trackId === refocus.track,
      );
      card?.querySelector<HTMLElement>(`.${refocus.className}`)?.focus();
    }
  }

  #retryButton(key: string, label: string): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'retry' }, label);
    button.addEventListener('click', () => this.actions.retry(key));
    return button;
  }
}

function isLive(entry: ReplyEntry): boolean {
  return entry.status === 'thinking' || entry.status === 'streaming';
}

function deliveryLabel(delivery: Delivery): { text: string; retry: boolean } {
  switch (delivery.kind) {
    case 'sending':
      return { text: 'Sending…', retry: false };
    case 'waiting':
      return { text: 'Waiting for connection — sent when you are back online', retry: false };
    case 'retrying': {
      const seconds = Math.max(1, Math.ceil((delivery.retryAt - Date.now()) / 1000));
      const why = delivery.reason === 'busy' ? 'Earlier messages are still being answered' : 'Rate limited';
      return { text: `${why} — retrying in ${seconds} s`, retry: false };
    }
    case 'queued':
      return { text: 'Queued — answered after the current reply', retry: false };
    case 'delivered':
      return { text: '', retry: false };
    case 'failed':
      return { text: `Not sent: ${delivery.message}`, retry: true };
  }
}

/** Provider, model, cost and time to first words, out of the way behind a small disclosure. */
function detailsPopover(entry: ReplyEntry): HTMLElement {
  const details = entry.details!;
  const rows: Array<[string, string]> = [
    ['Provider', details.provider],
    ['Model', details.model],
    ['Cost', `$${details.costUsd.toFixed(4)}`],
    ['First words', details.ttftMs === null ? '–' : `${details.ttftMs} ms`],
    ['Total', `${details.totalMs} ms`],
  ];
  const list = h('dl', {});
  for (const [term, value] of rows) list.append(h('dt', {}, term), h('dd', {}, value));
  return h(
    'details',
    { class: 'reply-details' },
    h('summary', { 'aria-label': 'Reply details' }, 'Details'),
    list,
  );
}

/** "Save as a Spotify playlist", then the playlist's link (or what went wrong, with a way to try again). */
function playlistControl(recommendationId: string, playlists: PlaylistActions): HTMLElement {
  const box = h('p', { class: 'playlist' });
  const showLink = (url: string) =>
    box.replaceChildren(
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open the playlist in Spotify'),
      h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
    );
  const saved = playlists.saved(recommendationId);
  if (saved) {
    showLink(saved);
    return box;
  }
  const button = h('button', { type: 'button', class: 'save-playlist' }, 'Save as a Spotify playlist');
  const problem = h('span', { class: 'playlist-problem', role: 'status' });
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Saving…';
    problem.textContent = '';
    playlists.save(recommendationId).then(showLink, (error: unknown) => {
      button.disabled = false;
      button.textContent = 'Save as a Spotify playlist';
      problem.textContent = (error as Error).message;
    });
  });
  box.append(button, problem);
  return box;
}
