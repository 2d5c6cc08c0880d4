import type {
  MountPanel,
  PanelControl,
  PanelHost,
  WidgetEvent,
  WidgetOptions,
  WidgetUser,
} from './widget-contract.js';

/**
 * widget.js: the only thing a host page downloads before anyone clicks (budget: 4 KB gzipped). It adds a
 * launcher inside a shadow root, installs `window.EchoTune`, replays calls queued by the stub snippet,
 * and loads the panel (widget/panel.js, with the socket client) on first open.
 */

type Listener = (detail?: unknown) => void;
type Call = [method: string, args: unknown[]];

interface Api {
  open(): void;
  close(): void;
  toggle(): void;
  setUser(user: WidgetUser): void;
  on(event: WidgetEvent, listener: Listener): void;
  off(event: WidgetEvent, listener: Listener): void;
  destroy(): void;
  /** Set once a widget runs on the page: a second copy of the script stops here. */
  loaded?: true;
  /** Calls made through the stub snippet before this script arrived. */
  q?: Call[];
}

declare global {
  interface Window {
    EchoTune?: Partial<Api>;
  }
}

const OPEN_KEY = 'echotune.widget.open';
/** Colours only: hex, rgb()/hsl() with numbers, or a plain colour name; then the browser must agree. */
const COLOUR = /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([\d\s.,%/]+\)|[a-z]{3,20})$/i;

const LAUNCHER_CSS = `
:host{--accent:#0f7a3c;--on-accent:#fff;all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;display:block!important;font:15px/1.4 system-ui,sans-serif!important}
:host(.left){left:20px!important}:host(:not(.left)){right:20px!important}
.launcher{all:unset;box-sizing:border-box;width:56px;height:56px;border-radius:50%;background:var(--accent);color:var(--on-accent);display:grid;place-items:center;cursor:pointer;box-shadow:0 4px 14px rgb(0 0 0/30%);position:relative}
.launcher:focus-visible{outline:3px solid var(--accent);outline-offset:3px}
.launcher svg{width:26px;height:26px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#b3261e;color:#fff;font-size:12px;font-weight:700;display:grid;place-items:center;padding:0 5px;box-sizing:border-box}
.badge[hidden],.slot[hidden],.launcher[hidden]{display:none}
.fail{position:fixed;bottom:20px;right:20px;width:min(320px,calc(100vw - 40px));box-sizing:border-box;padding:14px 16px;border-radius:14px;background:Canvas;color:CanvasText;box-shadow:0 8px 30px rgb(0 0 0/30%)}
:host(.left) .fail{right:auto;left:20px}
.fail button{all:unset;display:block;margin-top:10px;padding:6px 14px;border-radius:8px;background:var(--accent);color:var(--on-accent);cursor:pointer}
.fail button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
`;

/** Black or white, whichever reads better on the accent a site chose (WCAG relative luminance). */
function readableOn(colour: string): string {
  const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000' : '#fff';
}

/**
 * Whether the panel was open in this tab ('1'/'0', or null): read without a value, set with one, removed
 * with null. Storage may be off (a sandboxed frame): then nothing is remembered.
 */
function openFlag(value?: '0' | '1' | null): string | null {
  try {
    if (value === undefined) return sessionStorage.getItem(OPEN_KEY);
    if (value === null) sessionStorage.removeItem(OPEN_KEY);
    else sessionStorage.setItem(OPEN_KEY, value);
  } catch {
    // Not remembered.
  }
  return null;
}

function script(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="widget.js"][data-site-key]');
}

function readOptions(element: HTMLScriptElement): WidgetOptions & { open: boolean } {
  const data = element.dataset;
  const accent = data.accent?.trim() ?? '';
  return {
    baseUrl: new URL(element.src).origin,
    siteKey: data.siteKey ?? '',
    position: data.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    accent: COLOUR.test(accent) && CSS.supports('color', accent) ? accent : null,
    title: (data.title ?? 'EchoTune').slice(0, 60),
    greeting: data.greeting?.trim().slice(0, 300) || null,
    theme: data.theme === 'light' || data.theme === 'dark' ? data.theme : 'auto',
    open: data.open === 'true',
  };
}

function install(element: HTMLScriptElement): void {
  const options = readOptions(element);
  const listeners = new Map<WidgetEvent, Set<Listener>>();
  const emit = (event: WidgetEvent, detail?: unknown) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(detail);
      } catch {
        // A host page's listener must not break the widget.
      }
    }
  };

  const hostElement = document.createElement('echotune-widget');
  if (options.position === 'bottom-left') hostElement.className = 'left';
  const shadow = hostElement.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(LAUNCHER_CSS);
  shadow.adoptedStyleSheets = [sheet];
  if (options.accent) hostElement.style.setProperty('--accent', options.accent);

  const container = document.createElement('div');
  container.className = 'slot';
  container.hidden = true;
  const launcher = document.createElement('button');
  launcher.className = 'launcher';
  launcher.type = 'button';
  launcher.setAttribute('aria-label', `Open ${options.title} chat`);
  launcher.setAttribute('aria-expanded', 'false');
  launcher.innerHTML =
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M9 18V5l12-2v13"/><circle cx="6" cy="18" r="3"/><circle cx="18" cy="16" r="3"/></svg>';
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  launcher.append(badge);
  shadow.append(container, launcher);

  let isOpen = false;
  /** After destroy(): the API object a host kept does nothing any more. */
  let destroyed = false;
  let failure: HTMLElement | undefined;
  let panel: PanelControl | undefined;
  let loading: Promise<PanelControl | undefined> | undefined;
  let user: WidgetUser | null = null;

  const host: PanelHost = {
    options,
    shadow,
    container,
    emit,
    setUnread(count) {
      badge.hidden = count === 0 || isOpen;
      badge.textContent = count > 9 ? '9+' : String(count);
      launcher.setAttribute(
        'aria-label',
        count > 0 && !isOpen ? `Open ${options.title} chat, ${count} new` : `Open ${options.title} chat`,
      );
    },
    close: () => api.close(),
    get user() {
      return user;
    },
  };

  /** Said in the panel's place when it cannot load (EchoTune unreachable); the next open tries again. */
  const failed = () => {
    if (!failure) {
      failure = document.createElement('div');
      failure.className = 'fail';
      failure.setAttribute('role', 'alert');
      failure.style.colorScheme = options.theme === 'auto' ? 'light dark' : options.theme;
      const close = document.createElement('button');
      close.type = 'button';
      close.textContent = 'Close';
      close.addEventListener('click', () => api.close());
      failure.append(
        `Sorry — the ${options.title} chat cannot load right now. Please try again later.`,
        close,
      );
    }
    container.replaceChildren(failure);
    if (isOpen) failure.querySelector('button')!.focus();
  };

  const load = (): Promise<PanelControl | undefined> => {
    loading ??= import(/* @vite-ignore */ `${options.baseUrl}/widget/panel.js`).then(
      (module: { mount: MountPanel }) => {
        if (destroyed) return undefined;
        failure?.remove();
        panel = module.mount(host);
        return panel;
      },
      (error: unknown) => {
        loading = undefined;
        if (destroyed) return undefined;
        failed();
        emit('error', { code: 'unavailable', message: `The chat could not load: ${String(error)}` });
        return undefined;
      },
    );
    return loading;
  };

  const show = async (visible: boolean) => {
    if (destroyed || visible === isOpen) return;
    isOpen = visible;
    openFlag(visible ? '1' : '0');
    launcher.setAttribute('aria-expanded', String(visible));
    launcher.hidden = visible;
    container.hidden = !visible;
    if (visible) badge.hidden = true;
    emit(visible ? 'open' : 'close');
    const loaded = visible ? await load() : panel;
    loaded?.shown(isOpen);
    if (!visible) launcher.focus();
  };

  const api: Api = {
    open: () => void show(true),
    close: () => void show(false),
    toggle: () => void show(!isOpen),
    setUser(next) {
      if (destroyed || !next || typeof next.id !== 'string' || next.id.length === 0 || next.id.length > 100)
        return;
      // A name of blanks is none (the server refuses a blank display name).
      const name = typeof next.name === 'string' ? next.name.trim().slice(0, 80) : '';
      if (user?.id === next.id && (user.name ?? '') === name) return;
      user = name ? { id: next.id, name } : { id: next.id };
      panel?.setUser(user);
    },
    on(event, listener) {
      if (typeof listener !== 'function') return;
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      panel?.destroy();
      hostElement.remove();
      listeners.clear();
      // A widget made again later starts as its options say, not as this one was left.
      openFlag(null);
      if (window.EchoTune === api) delete window.EchoTune;
    },
    loaded: true,
  };
  launcher.addEventListener('click', () => api.toggle());
  // Escape anywhere in the panel (or in its failure notice) closes it.
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.isComposing) api.close();
  });

  const queued = window.EchoTune?.q ?? [];
  window.EchoTune = api;
  document.body.append(hostElement);
  hostElement.style.setProperty('--on-accent', readableOn(getComputedStyle(launcher).backgroundColor));
  const replay = (calls: Call[]) => {
    for (const [method, args] of calls) {
      const call = api[method as keyof Api];
      if (typeof call === 'function') (call as (...values: unknown[]) => void)(...args);
    }
  };
  // Listeners first, so a queued on('ready') hears ready; then the other calls in the order made.
  const isListener = ([method]: Call) => method === 'on' || method === 'off';
  replay(queued.filter(isListener));
  emit('ready');
  replay(queued.filter((call) => !isListener(call)));
  // Open on load when it was open in this tab, or when data-open says so and the listener has not closed it.
  const flag = openFlag();
  if (!isOpen && (flag ? flag === '1' : options.open)) api.open();
}

function start(): void {
  if (window.EchoTune?.loaded) return;
  const element = script();
  if (!element?.dataset.siteKey) {
    console.warn('EchoTune widget: the script tag needs data-site-key="pk_…"');
    return;
  }
  // Claimed now, before the page has a body: a second copy arriving meanwhile stops at the check above.
  window.EchoTune = Object.assign(window.EchoTune ?? {}, { loaded: true as const });
  if (document.body) install(element);
  else document.addEventListener('DOMContentLoaded', () => install(element), { once: true });
}

start();
