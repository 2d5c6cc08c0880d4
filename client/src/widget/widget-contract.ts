/** What the loader (widget.js, tiny, on every host page) and the panel (loaded on first open) share. */

export type WidgetEvent = 'ready' | 'open' | 'close' | 'message' | 'recommendations' | 'error';

export interface WidgetUser {
  id: string;
  name?: string;
}

export interface WidgetOptions {
  /** The EchoTune origin the script came from; every request goes there. */
  baseUrl: string;
  siteKey: string;
  position: 'bottom-right' | 'bottom-left';
  /** Already validated as a colour: nothing else ever becomes CSS. */
  accent: string | null;
  title: string;
  /** The site's own greeting (text), or null for the default one. */
  greeting: string | null;
  theme: 'auto' | 'light' | 'dark';
}

/** The loader's side, handed to the panel. */
export interface PanelHost {
  options: WidgetOptions;
  shadow: ShadowRoot;
  /** Where the panel's element goes (inside the shadow root). */
  container: HTMLElement;
  emit(event: WidgetEvent, detail?: unknown): void;
  setUnread(count: number): void;
  close(): void;
  user: WidgetUser | null;
}

/** The panel's side, returned by its `mount`. */
export interface PanelControl {
  shown(visible: boolean): void;
  setUser(user: WidgetUser): void;
  destroy(): void;
}

export type MountPanel = (host: PanelHost) => PanelControl;
