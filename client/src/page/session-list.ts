import type { Page, Session } from '../../../src/protocol/index.js';
import type { Connection } from '../core/connection.js';
import { h } from '../core/dom.js';
import { icon } from './icons.js';

export interface SessionListEvents {
  select(session: Session): void;
  /** The open session was deleted: `here` from this tab's list, otherwise in another tab or device. */
  deletedCurrent(here: boolean): void;
  error(message: string): void;
}

/** The listener's chats, most recently active first; rename and delete in place; live across tabs. */
export class SessionList {
  #sessions: Session[] = [];
  #currentId: string | null = null;
  #editing: string | null = null;
  /** Deletes this tab asked for: their broadcast may come back before the answer does. */
  readonly #deleting = new Set<string>();

  constructor(
    private readonly list: HTMLUListElement,
    private readonly empty: HTMLElement,
    private readonly connection: Connection,
    private readonly events: SessionListEvents,
  ) {
    connection.socket.on('session:updated', ({ session }) => this.upsert(session));
    connection.socket.on('session:deleted', ({ sessionId }) => this.#removed(sessionId));
  }

  get sessions(): readonly Session[] {
    return this.#sessions;
  }

  async refresh(): Promise<void> {
    const page = await this.connection.rest<Page<Session>>('GET', '/sessions?limit=100');
    this.#sessions = page.items;
    this.#render();
  }

  setCurrent(sessionId: string | null): void {
    this.#currentId = sessionId;
    this.#render();
  }

  upsert(session: Session): void {
    this.#sessions = [session, ...this.#sessions.filter((other) => other.id !== session.id)].sort(
      (left, right) => right.updatedAt.localeCompare(left.updatedAt),
    );
    this.#render();
  }

  #removed(sessionId: string): void {
    const known = this.#sessions.some((session) => session.id === sessionId);
    this.#sessions = this.#sessions.filter((session) => session.id !== sessionId);
    if (known) this.#render();
    if (sessionId !== this.#currentId) return;
    // Once, though both the delete's answer and its broadcast come here.
    this.#currentId = null;
    this.events.deletedCurrent(this.#deleting.has(sessionId));
  }

  async #rename(session: Session, title: string): Promise<void> {
    const trimmed = title.trim();
    if (!trimmed || trimmed === session.title) return;
    try {
      const renamed = await this.connection.rest<{ session: Session } | Session>(
        'PATCH',
        `/sessions/${encodeURIComponent(session.id)}`,
        { title: trimmed },
      );
      this.upsert('session' in renamed ? renamed.session : renamed);
    } catch (error) {
      this.events.error(`Could not rename the chat: ${(error as Error).message}`);
    }
  }

  async #delete(session: Session): Promise<void> {
    if (!window.confirm(`Delete “${session.title}”? Its messages cannot be restored.`)) return;
    this.#deleting.add(session.id);
    try {
      await this.connection.rest('DELETE', `/sessions/${encodeURIComponent(session.id)}`);
      this.#removed(session.id);
    } catch (error) {
      this.events.error(`Could not delete the chat: ${(error as Error).message}`);
    } finally {
      this.#deleting.delete(session.id);
    }
  }

  #render(): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('li')?.dataset
      .sessionId;
    const focusedRole = (document.activeElement as HTMLElement | null)?.dataset.role;
    this.list.replaceChildren(...this.#sessions.map((session) => this.#item(session)));
    this.empty.hidden = this.#sessions.length > 0;
    if (focusedId && focusedRole) {
      this.list
        .querySelector<HTMLElement>(
          `li[data-session-id="${CSS.escape(focusedId)}"] [data-role="${focusedRole}"]`,
        )
        ?.focus();
    }
  }

  #item(session: Session): HTMLLIElement {
    const current = session.id === this.#currentId;
    const item = h('li', { class: `session${current ? ' current' : ''}`, 'data-session-id': session.id });
    if (this.#editing === session.id) {
      item.append(this.#renameForm(session));
      return item;
    }
    const open = h(
      'button',
      { type: 'button', class: 'session-open', 'aria-current': current ? 'page' : null, 'data-role': 'open' },
      h('span', { class: 'session-name' }, session.title),
      h('span', { class: 'session-when' }, relativeTime(session.updatedAt)),
    );
    open.addEventListener('click', () => this.events.select(session));
    const rename = h(
      'button',
      { type: 'button', class: 'icon', 'aria-label': `Rename “${session.title}”`, 'data-role': 'rename' },
      icon('pencil'),
    );
    rename.addEventListener('click', () => {
      this.#editing = session.id;
      this.#render();
    });
    const remove = h(
      'button',
      { type: 'button', class: 'icon', 'aria-label': `Delete “${session.title}”`, 'data-role': 'delete' },
      icon('trash'),
    );
    remove.addEventListener('click', () => void this.#delete(session));
    item.append(open, rename, remove);
    return item;
  }

  #renameForm(session: Session): HTMLFormElement {
    const input = h('input', {
      class: 'rename-input',
      value: session.title,
      maxlength: 200,
      'aria-label': 'New name for the chat',
    });
    const form = h(
      'form',
      { class: 'rename' },
      input,
      h('button', { type: 'submit', class: 'icon', 'aria-label': 'Save the name' }, icon('check')),
    );
    const finish = (save: boolean) => {
      if (this.#editing !== session.id) return;
      this.#editing = null;
      this.#render();
      this.list
        .querySelector<HTMLElement>(`li[data-session-id="${CSS.escape(session.id)}"] [data-role="rename"]`)
        ?.focus();
      if (save) void this.#rename(session, input.value);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish(true);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        finish(false);
      }
    });
    queueMicrotask(() => {
      input.focus();
      input.select();
    });
    return form;
  }
}

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 31_536_000_000],
  ['month', 2_592_000_000],
  ['week', 604_800_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
const formatter = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function relativeTime(iso: string): string {
  const elapsed = Date.parse(iso) - Date.now();
  for (const [unit, ms] of units) {
    if (Math.abs(elapsed) >= ms) return formatter.format(Math.round(elapsed / ms), unit);
  }
  return 'just now';
}
